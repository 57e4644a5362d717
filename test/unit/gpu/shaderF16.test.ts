// What the Status screen and the run card say about shader-f16 is what the shaders do.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENGINE_USES_SHADER_F16 } from '../../../src/engine/gpu/shaderF16.ts';

describe('shader-f16 in the engine', () => {
  it('no engine shader enables f16 exactly when ENGINE_USES_SHADER_F16 is false', () => {
    const files = readdirSync('shaders').filter((f) => f.endsWith('.wgsl'));
    expect(files.length).toBeGreaterThan(20);
    const enabling = files.filter((f) => /^\s*enable\s+f16\s*;/m.test(readFileSync(`shaders/${f}`, 'utf8')));
    expect(enabling.length > 0).toBe(ENGINE_USES_SHADER_F16);
  });
});
