// Every WGSL kernel against its one declaration (src/gpu/kernels/): binding block, struct U,
// overrides, @workgroup_size, entry points and the constants the TS side shares. Mutated shader
// texts show the check fails on each kind of drift; the packer is held to hand-laid words.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { packUniforms, uniformLayout, type KernelInterface } from '../../../src/gpu/kernelInterface.ts';
import * as engine from '../../../src/gpu/kernels/engine.ts';
import * as llama from '../../../src/gpu/kernels/llama.ts';
import * as logits from '../../../src/gpu/kernels/logits.ts';
import * as sample from '../../../src/gpu/kernels/sample.ts';
import { checkKernelInterface, parseWgslInterface, wgslLiteral } from '../../../src/gpu/wgslInterface.ts';

const isKernel = (x: unknown): x is KernelInterface => typeof x === 'object' && x !== null && 'files' in x && 'source' in x;
const KERNELS = Object.entries({ ...engine, ...llama, ...logits, ...sample } as Record<string, unknown>)
  .filter((e): e is [string, KernelInterface] => isKernel(e[1]));
const { MATMUL_KERNEL, ADAMW_KERNEL } = engine;
const { LOGITS_TOPK_KERNEL } = logits;

const mutate = (k: KernelInterface, from: string | RegExp, to: string): KernelInterface => {
  const source = k.source.replace(from, to);
  if (source === k.source) throw new Error(`mutation ${String(from)} did not apply`);
  return { ...k, source };
};

describe('kernel declarations cover shaders/', () => {
  test('every shader file belongs to a declaration, and every declared file is on disk as its source says', () => {
    const onDisk = readdirSync('shaders').filter((f) => f.endsWith('.wgsl')).map((f) => `shaders/${f}`).sort();
    const declared = [...new Set(KERNELS.flatMap(([, k]) => k.files))].sort();
    expect(declared).toEqual(onDisk);
    expect(onDisk.length).toBe(31);
    for (const [, k] of KERNELS) {
      expect(k.source).toBe(k.files.map((f) => readFileSync(f, 'utf8')).join('\n'));
    }
  });

  test.each(KERNELS)('%s agrees with its WGSL', (_name, k) => {
    expect(checkKernelInterface(k)).toEqual([]);
  });
});

describe('the check fails when a shader and its declaration disagree', () => {
  test('uniform fields reordered, retyped or an array resized', () => {
    expect(checkKernelInterface(mutate(MATMUL_KERNEL, 'M: u32, N: u32, K: u32', 'N: u32, M: u32, K: u32')))
      .toEqual([expect.stringContaining('struct U { N: u32, M: u32, K: u32')]);
    expect(checkKernelInterface(mutate(engine.LAYERNORM_KERNEL, 'eps: f32', 'eps: u32'))[0]).toContain('eps: u32 }, declared');
    expect(checkKernelInterface(mutate(ADAMW_KERNEL, 'array<vec4<u32>, 3>', 'array<vec4<u32>, 4>'))[0])
      .toMatch(/ranges: array<vec4<u32>, 4> }, declared .*ranges: array<vec4<u32>, 3>/);
  });

  test('a binding with another access, name, index or group', () => {
    expect(checkKernelInterface(mutate(MATMUL_KERNEL, 'var<storage, read> bias', 'var<storage, read_write> bias')))
      .toEqual(['shaders/engine_matmul.wgsl + shaders/engine_weight_decode.wgsl: group 0: @binding(3) var<storage, read_write> bias, declared @binding(3) var<storage, read> bias']);
    expect(checkKernelInterface(mutate(MATMUL_KERNEL, '@binding(1) var<storage, read> b:', '@binding(1) var<storage, read> bb:'))[0])
      .toContain('var<storage, read> bb, declared @binding(1) var<storage, read> b');
    const dropped = mutate(MATMUL_KERNEL, /@group\(0\) @binding\(3\) var<storage, read> bias: array<f32>;/, '');
    expect(checkKernelInterface(dropped)).toEqual([expect.stringContaining('binding bias (@group(0) @binding(3)) is declared but missing')]);
    // The logits kernels' former convention (uniform first in group 0) is rejected.
    const old = mutate(logits.LOGITS_STATS_KERNEL, '@group(1) @binding(0) var<uniform> u: U;', '@group(0) @binding(3) var<uniform> u: U;');
    expect(checkKernelInterface(old).join('\n')).toMatch(/@binding\(3\) var<uniform> u in group 0 is not declared[\s\S]*expected exactly @group\(1\) @binding\(0\)/);
  });

  test('a constant, an override default, a workgroup size or an entry point changed', () => {
    expect(checkKernelInterface(mutate(MATMUL_KERNEL, 'const R: u32 = 4u;', 'const R: u32 = 2u;')))
      .toEqual(['shaders/engine_matmul.wgsl + shaders/engine_weight_decode.wgsl: const R = 2, declared 4']);
    expect(checkKernelInterface(mutate(engine.ATTENTION_CACHED_KERNEL, 'MAX_HD: u32 = 256u', 'MAX_HD: u32 = 64u'))[0]).toContain('const MAX_HD = 64, declared 256');
    expect(checkKernelInterface(mutate(LOGITS_TOPK_KERNEL, 'const MAX_K: u32 = 20u;', 'const MAX_K: u32 = 16u;'))[0]).toContain('const MAX_K = 16, declared 20');
    expect(checkKernelInterface(mutate(engine.RESIDUAL_KERNEL, 'override WG: u32 = 64;', 'override WG: u32 = 128;')))
      .toEqual(['shaders/engine_residual.wgsl: override WG defaults to 128, declared 64']);
    expect(checkKernelInterface(mutate(MATMUL_KERNEL, '@workgroup_size(WG_X, WG_Y)', '@workgroup_size(WG_X, 4)')))
      .toEqual(['shaders/engine_matmul.wgsl + shaders/engine_weight_decode.wgsl: main: @workgroup_size(WG_X, 4), declared (WG_X, WG_Y)']);
    expect(checkKernelInterface(mutate(engine.GELU_KERNEL, 'fn backward(', 'fn backward_main(')))
      .toEqual([expect.stringContaining('entry points backward_main, forward, declared backward, forward')]);
  });

  test('comments that mention bindings do not count', () => {
    const w = parseWgslInterface('// @group(0) @binding(0) var<storage, read> x: array<f32>;\n/* const R: u32 = 9u; */ const R: u32 = 4u;');
    expect(w.bindings).toEqual([]);
    expect(w.constants.get('R')).toBe(4);
  });
});

describe('wgslLiteral', () => {
  test.each([['4u', 4], ['256', 256], ['-1.0e30', -1e30], ['0x7fc00000u', 0x7fc00000], ['0.5f', 0.5], ['-3i', -3], ['a + 1', null]])(
    '%s → %s', (text, value) => expect(wgslLiteral(text)).toBe(value));
});

describe('packUniforms', () => {
  test('matmul: the named fields land at the struct U word offsets', () => {
    const v = { M: 1, N: 2, K: 3, aOff: 4, aSm: 5, aSk: 6, bOff: 7, bSk: 8, bSn: 9, outOff: 10, biasOff: 11, hasBias: 1, accumulate: 0, outSm: 12, scale: 0.5 };
    const bytes = packUniforms(MATMUL_KERNEL, v);
    expect([...new Uint32Array(bytes)].slice(0, 14)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 0, 12]);
    expect(new Float32Array(bytes)[14]).toBe(0.5);
    expect(bytes.byteLength).toBe(64); // 15 words, padded to 16 bytes
  });

  test('adamw: f32 members, zero padding and the vec4 array at its 16-byte offset', () => {
    const bytes = packUniforms(ADAMW_KERNEL, {
      P: 7, lr: 0.5, beta1: 0.25, beta2: 0.125, eps: 1, wd: 2, gradClip: 3, c1: 4, c2: 5, nRanges: 2, ranges: [10, 20, 30, 40],
    });
    expect(bytes.byteLength).toBe(96); // 12 scalar words + 3 vec4
    const u = new Uint32Array(bytes);
    const f = new Float32Array(bytes);
    expect(u[0]).toBe(7);
    expect([...f.subarray(1, 9)]).toEqual([0.5, 0.25, 0.125, 1, 2, 3, 4, 5]);
    expect([...u.subarray(9, 24)]).toEqual([2, 0, 0, 10, 20, 30, 40, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(uniformLayout(ADAMW_KERNEL).slots.find((s) => s.name === 'ranges')!.word).toBe(12);
  });

  test('a missing, unknown or out-of-range field is refused by name', () => {
    const v = { N: 4, off1: 0, off2: 0, outOff: 0 };
    expect(() => packUniforms(engine.RESIDUAL_KERNEL, { ...v, N: undefined } as unknown as typeof v)).toThrow('uniform N of shaders/engine_residual.wgsl is missing');
    expect(() => packUniforms(engine.RESIDUAL_KERNEL, { ...v, extra: 1 } as typeof v)).toThrow('uniform extra: not a field');
    expect(() => packUniforms(engine.RESIDUAL_KERNEL, { ...v, off1: -1 })).toThrow('uniform off1: -1 is not a u32');
    expect(() => packUniforms(engine.RESIDUAL_KERNEL, { ...v, N: 2.5 })).toThrow('uniform N: 2.5 is not a u32');
    const a = { P: 1, lr: 0, beta1: 0, beta2: 0, eps: 0, wd: 0, gradClip: 0, c1: 1, c2: 1, nRanges: 0, ranges: new Array(13).fill(0) };
    expect(() => packUniforms(ADAMW_KERNEL, a)).toThrow('uniform ranges: expected at most 12 numbers');
  });
});

// Compile-time checks (tsc fails if any of these stops being an error); never called.
export function typeChecks(): void {
  // @ts-expect-error a uniform field the struct does not have
  packUniforms(engine.RESIDUAL_KERNEL, { N: 1, off1: 0, off2: 0, outOff: 0, off3: 0 });
  // @ts-expect-error a missing uniform field
  packUniforms(engine.RESIDUAL_KERNEL, { N: 1, off1: 0, off2: 0 });
}
