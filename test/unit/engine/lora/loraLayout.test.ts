// The LoRA configuration (PEFT's names, defaults and refusals) and the flat adapter layout:
// offsets laid out per layer, per target, A [r, in] then B [out, r]; PEFT's initialisation.
import { describe, expect, it } from 'vitest';
import { DEFAULT_LORA_CONFIG, loraScaling, validateLoraConfig, type LoraConfig } from '../../../../src/engine/lora/loraConfig.ts';
import { initLoraParams, loraLayout, loraTensorName, slotOf, slotsFor } from '../../../../src/engine/lora/loraLayout.ts';
import type { LlamaConfig } from '../../../../src/engine/llamaConfig.ts';

const MODEL: LlamaConfig = {
  arch: 'llama', family: 'qwen3', vocabSize: 50, blockSize: 64, nLayer: 3, nHead: 4, nKvHead: 2, nEmbd: 16, headDim: 6,
  intermediateSize: 20, rmsNormEps: 1e-6, ropeTheta: 1e4, ropeScaling: null, qkvBias: false, oBias: false, qkNorm: true, tieWordEmbeddings: false,
};
const ALL: LoraConfig = { r: 3, lora_alpha: 12, lora_dropout: 0, target_modules: ['down_proj', 'q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'q_proj'] };

describe('LoraConfig', () => {
  it('has PEFT defaults and scaling α/r (α/√r with use_rslora)', () => {
    expect(DEFAULT_LORA_CONFIG).toEqual({ r: 8, lora_alpha: 8, target_modules: ['q_proj', 'v_proj'], lora_dropout: 0, use_rslora: false });
    expect(loraScaling({ r: 16, lora_alpha: 32 })).toBe(2);
    expect(loraScaling({ r: 16, lora_alpha: 32, use_rslora: true })).toBe(8);
  });

  it('refuses dropout, unknown modules, empty targets and bad ranks with the reason', () => {
    expect(() => validateLoraConfig({ ...ALL, lora_dropout: 0.05 })).toThrow(/lora_dropout 0.05 is not supported.*set lora_dropout to 0/);
    expect(() => validateLoraConfig({ ...ALL, target_modules: ['q_proj', 'lm_head' as never] })).toThrow(/"lm_head" unknown/);
    expect(() => validateLoraConfig({ ...ALL, target_modules: [] })).toThrow(/at least one/);
    expect(() => validateLoraConfig({ ...ALL, r: 0 })).toThrow(/r must be a positive integer/);
    expect(() => validateLoraConfig({ ...ALL, lora_alpha: -1 })).toThrow(/lora_alpha/);
  });

  it('puts targets in canonical order without duplicates', () => {
    expect(validateLoraConfig(ALL).target_modules).toEqual(['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj']);
  });
});

describe('loraLayout', () => {
  it('lays out layer by layer, target by target, A [r, in] then B [out, r], contiguously', () => {
    const L = loraLayout(MODEL, ALL);
    const QD = 24, KVD = 12, C = 16, I = 20, r = 3;
    const dims: [string, number, number][] = [['q_proj', C, QD], ['k_proj', C, KVD], ['v_proj', C, KVD], ['o_proj', QD, C], ['gate_proj', C, I], ['up_proj', C, I], ['down_proj', I, C]];
    const perLayer = dims.reduce((s, [, i, o]) => s + r * (i + o), 0);
    expect(L.perLayer).toBe(perLayer);
    expect(L.total).toBe(3 * perLayer);
    expect(L.scaling).toBe(4);
    let off = 0;
    for (let l = 0; l < 3; l++) {
      for (const [t, i, o] of dims) {
        const s = slotOf(L, l, t as never)!;
        expect([s.inW, s.outW, s.a, s.b]).toEqual([i, o, off, off + r * i]);
        off += r * (i + o);
      }
    }
    // packed columns: q|k|v in qkvw's output rows, gate|up in gateupw's
    expect(slotsFor(L, 1, 'qkvw').map((s) => [s.target, s.col, s.outStride])).toEqual([['q_proj', 0, 48], ['k_proj', 24, 48], ['v_proj', 36, 48]]);
    expect(slotsFor(L, 2, 'gateupw').map((s) => [s.target, s.col, s.outStride])).toEqual([['gate_proj', 0, 40], ['up_proj', 20, 40]]);
    expect(slotsFor(L, 0, 'downw').map((s) => s.target)).toEqual(['down_proj']);
    const few = loraLayout(MODEL, { ...ALL, target_modules: ['v_proj', 'q_proj'] });
    expect(slotsFor(few, 2, 'attprojw')).toEqual([]);
    expect(few.slots.map((s) => `${s.layer}:${s.target}`)).toEqual(['0:q_proj', '0:v_proj', '1:q_proj', '1:v_proj', '2:q_proj', '2:v_proj']);
  });

  it('initialises A ~ U(−1/√in, 1/√in) (PEFT kaiming_uniform, a = √5) from the seed, B = 0', () => {
    const L = loraLayout(MODEL, ALL);
    const p = initLoraParams(L, 5);
    expect(initLoraParams(L, 5)).toEqual(p);
    expect(initLoraParams(L, 6)).not.toEqual(p);
    for (const s of L.slots) {
      const A = p.subarray(s.a, s.b);
      const B = p.subarray(s.b, s.b + s.outW * L.r);
      const bound = 1 / Math.sqrt(s.inW);
      expect(B.every((x) => x === 0)).toBe(true);
      expect(A.every((x) => Math.abs(x) <= bound)).toBe(true);
    }
    // all A elements pooled, scaled to U(−1, 1): mean 0, variance 1/3
    const u = L.slots.flatMap((s) => Array.from(p.subarray(s.a, s.b), (x) => x * Math.sqrt(s.inW)));
    const mean = u.reduce((a, b) => a + b, 0) / u.length;
    const variance = u.reduce((a, b) => a + (b - mean) ** 2, 0) / u.length;
    expect(u.length).toBeGreaterThan(1000);
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(Math.abs(variance - 1 / 3)).toBeLessThan(0.03);
  });

  it('names tensors as PEFT saves them', () => {
    expect(loraTensorName(0, 'q_proj', 'A')).toBe('base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight');
    expect(loraTensorName(11, 'down_proj', 'B')).toBe('base_model.model.model.layers.11.mlp.down_proj.lora_B.weight');
    expect(loraTensorName(2, 'o_proj', 'B')).toBe('base_model.model.model.layers.2.self_attn.o_proj.lora_B.weight');
  });
});
