// The memory pre-flight of a LoRA RL run (src/engine/lora/preflight.ts): every part of a tiny
// configuration against numbers worked out by hand from the buffer list's formulas; the real
// configurations' base weights against their published parameter counts, their adapters against
// LoRA's r·(in + out) per target, their KV caches against [2, rows, NKV·HD] f32 per layer; limits
// and budget refusals name the part and the buffer; each piece of advice is the largest value that
// fits (one more does not).
import { describe, expect, it } from 'vitest';
import { llamaConfigFromHf } from '../../../../src/engine/hf/hfConfig.ts';
import type { LlamaConfig } from '../../../../src/engine/llamaConfig.ts';
import { LORA_TARGETS } from '../../../../src/engine/lora/loraConfig.ts';
import { preflight, type PreflightInput } from '../../../../src/engine/lora/preflight.ts';
import { QWEN3_0_6B, SMOLLM2_135M } from '../hf/realConfigs.ts';

const tiny: LlamaConfig = {
  arch: 'llama', family: 'llama', vocabSize: 16, blockSize: 64, nLayer: 2, nHead: 2, nKvHead: 1, nEmbd: 8, headDim: 4,
  intermediateSize: 12, rmsNormEps: 1e-5, ropeTheta: 1e4, ropeScaling: null, qkvBias: false, oBias: false, qkNorm: false, tieWordEmbeddings: true,
};
const BIG = 2 ** 40;
const tinyInput: PreflightInput = {
  config: tiny, weightDtype: 'F16', lora: { r: 2, targets: ['q_proj', 'v_proj'] },
  train: { promptsPerStep: 2, numGenerations: 3, maxPromptTokens: 4, maxCompletionTokens: 5, critic: true, vocabChunk: 8 },
  limits: { maxBufferSize: BIG, maxStorageBufferBindingSize: BIG, budgetBytes: BIG },
};

describe('a tiny configuration, part by part (hand-computed)', () => {
  // C 8, QD 8, KVD 4, W 16, I 12, V 16, L 2; P 2, G 3, T 4 + 5 = 9, S 6, N 54, r 2 on q (8→8) and v (8→4).
  const want: Record<string, number> = {
    // F16 matrices: embed 16·8·2 = 256; per layer qkvw 16·8·2 = 256, attprojw 128, gateupw 384, downw 192, norms 2·8·4 = 64 → 1024; final norm 32
    'base weights': 256 + 32 + 2 * 1024,
    // per layer r·(8+8) + r·(8+4) = 32 + 24 = 56; × 2 layers × 4 bytes
    adapters: 448,
    'adapter gradients': 448,
    'AdamW moments': 896,
    // (L+1)·N·C·4 = 3·54·8·4 = 5184; tokens, positions, targets, dlogp 4·54·4 = 864
    'checkpointed activations': 5184 + 864,
    // ln1+ln2 864, stats 108, qkv 864, atty 432, att S·NH·T² = 972, attproj/res2/fcproj 1296, gateup 1296, mlpAct 648, x·Aᵀ 54·2·2 = 216 → 6696 floats
    'recomputed layer': 6696 * 4,
    // 1296 + 864 + 432 + 972 + 1296 + 648 + 108 = 5616 floats
    'backward scratch': 5616 * 4,
    // lnf 54·8·4 = 1728, two chunks 2·54·8·4 = 3456, five per-row stats 5·54·4 = 1080
    'log-prob head': 1728 + 3456 + 1080,
    // R_kv = 2·(4 + 3·5) = 38 rows; 2·38·4·4 = 1216 per layer
    'rollout KV cache': 2 * 1216,
    // R = max(8, 6) = 8 rows of 7·8 + 16 + 8 + 36 + 2 + 12 = 130 floats = 4160; head slice 8·16·4 = 512; sampling 6·16·4 = 384
    'rollout scratch': 4160 + 512 + 384,
    // (112 + 8 + 1)·4 bytes × (params, grads, m, v) = 1936; values, returns, advantages 3·54·4 = 648
    critic: 1936 + 648,
  };

  it('each part and the total', () => {
    const p = preflight(tinyInput);
    expect(Object.fromEntries(p.parts.map((x) => [x.part, x.bytes]))).toEqual(want);
    expect(p.totalBytes).toBe(75760);
    expect(p.fits).toBe(true);
    expect(p.problems).toEqual([]);
    expect(p.advice).toEqual([]);
  });

  it('no critic without PPO; RePro probes add KV rows; a smaller pass shrinks only what scales with S', () => {
    const noCritic = preflight({ ...tinyInput, train: { ...tinyInput.train, critic: false } });
    expect(noCritic.parts.find((x) => x.part === 'critic')).toBeUndefined();
    expect(noCritic.totalBytes).toBe(75760 - 2584);
    const probes = preflight({ ...tinyInput, train: { ...tinyInput.train, probeTokensPerSample: 10 } });
    // + P·G·10 = 60 rows · 2 · KVD 4 · 4 bytes · 2 layers
    expect(probes.totalBytes - 75760).toBe(60 * 2 * 4 * 4 * 2);
    const s2 = preflight({ ...tinyInput, train: { ...tinyInput.train, sequencesPerPass: 2 } });
    const part = (p: typeof s2, name: string) => p.parts.find((x) => x.part === name)!.bytes;
    expect(part(s2, 'recomputed layer')).toBe(6696 * 4 / 3); // everything there is ∝ S
    expect(part(s2, 'rollout KV cache')).toBe(2432);
  });
});

const SETTINGS = { promptsPerStep: 8, numGenerations: 8, maxPromptTokens: 128, maxCompletionTokens: 128, critic: false, vocabChunk: 8192 };

describe('real configurations (bf16 weights, r 16, all seven targets, 8 prompts × 8 samples × 128 + 128 tokens)', () => {
  const run = (json: Record<string, unknown>) =>
    preflight({ config: llamaConfigFromHf(json), weightDtype: 'BF16', lora: { r: 16, targets: [...LORA_TARGETS] }, train: SETTINGS, limits: { maxBufferSize: BIG, maxStorageBufferBindingSize: BIG, budgetBytes: BIG } });
  const part = (p: ReturnType<typeof run>, name: string) => p.parts.find((x) => x.part === name)!.bytes;

  it('SmolLM2-135M', () => {
    const p = run(SMOLLM2_135M);
    // 134 515 008 parameters, of which the 30·2·576 + 576 = 35 136 norm weights are widened to f32
    expect(part(p, 'base weights')).toBe((134_515_008 - 35_136) * 2 + 35_136 * 4);
    // per layer 16·[(576+576) + (576+192)·2 + (576+576) + (576+1536)·3] = 162 816; × 30 layers
    expect(part(p, 'adapters')).toBe(30 * 162_816 * 4);
    expect(part(p, 'AdamW moments')).toBe(2 * 30 * 162_816 * 4);
    // 8·(128 + 8·128) = 9216 rows × 2 × KVD 192 × 4 bytes × 30 layers
    expect(part(p, 'rollout KV cache')).toBe(9216 * 2 * 192 * 4 * 30);
  });

  it('Qwen3-0.6B', () => {
    const p = run(QWEN3_0_6B);
    // 596 049 920 parameters, norms 28·(1024·2 + 128·2) + 1024 = 65 536 widened to f32
    expect(part(p, 'base weights')).toBe((596_049_920 - 65_536) * 2 + 65_536 * 4);
    // per layer 16·[(1024+2048)·2 + (1024+1024)·2 + (1024+3072)·3] = 360 448; × 28
    expect(part(p, 'adapters')).toBe(28 * 360_448 * 4);
    expect(part(p, 'rollout KV cache')).toBe(9216 * 2 * 1024 * 4 * 28);
  });
});

describe('limits, budget and advice', () => {
  it('a buffer over maxStorageBufferBindingSize is named, with its part and formula', () => {
    const p = preflight({ ...tinyInput, limits: { maxBufferSize: BIG, maxStorageBufferBindingSize: 1000, budgetBytes: BIG } });
    expect(p.fits).toBe(false);
    expect(p.problems.join('\n')).toMatch(/rollout KV cache: the buffer "kv layer" \(2·R_kv·KVD·4 per layer, R_kv = P·\(Tp\+G·Tc\) \+ P·G·probe = 38\) needs 1\.2 KiB, more than this adapter's maxStorageBufferBindingSize \(1000 B\)/);
  });

  it('over budget: the largest parts named; each advised value fits and the next one up does not', () => {
    const budget = 60_000;
    const x = { ...tinyInput, limits: { ...tinyInput.limits, budgetBytes: budget } };
    const p = preflight(x);
    expect(p.fits).toBe(false);
    expect(p.problems).toEqual([expect.stringMatching(/^The run needs 74\.0 KiB on the GPU, more than the 58\.6 KiB budget; the largest parts: recomputed layer 26\.2 KiB, backward scratch 21\.9 KiB, log-prob head 6\.1 KiB\.$/)]);
    const knobs = p.advice.map((a) => a.changes.map((c) => c.knob).join('+'));
    expect(knobs).toContain('numGenerations');
    expect(knobs).toContain('sequencesPerPass');
    for (const a of p.advice) {
      expect(a.changes).toHaveLength(1);
      const [{ knob, to }] = a.changes;
      if (knob === 'targets') continue;
      const at = (v: number): PreflightInput =>
        knob === 'r' ? { ...x, lora: { ...x.lora, r: v } } : { ...x, train: { ...x.train, [knob]: v } };
      expect(preflight(at(to as number)).fits, `${knob} ${to}`).toBe(true);
      expect(preflight(at((to as number) + 1)).fits, `${knob} ${(to as number) + 1}`).toBe(false);
      expect(a.totalBytes).toBe(preflight(at(to as number)).totalBytes);
    }
    const g = p.advice.find((a) => a.changes[0].knob === 'numGenerations')!;
    expect(g.message).toBe(`lower group size G (samples per prompt) from 3 to ${g.changes[0].to} (needs ${(g.totalBytes / 1024).toFixed(1)} KiB)`);
  });

  it('advice never goes below the floors (G 2, 32 completion tokens, r 4); when no knob alone fits, the free knobs go to their floors first', () => {
    const qwen3 = llamaConfigFromHf(QWEN3_0_6B);
    const x: PreflightInput = {
      config: qwen3, weightDtype: 'BF16', lora: { r: 16, targets: [...LORA_TARGETS] },
      train: { ...SETTINGS, sequencesPerPass: 64 }, limits: { maxBufferSize: BIG, maxStorageBufferBindingSize: BIG, budgetBytes: 3 * 2 ** 30 },
    };
    const p = preflight(x);
    expect(p.fits).toBe(false);
    for (const a of p.advice) {
      for (const c of a.changes) {
        if (c.knob === 'numGenerations') expect(c.to).toBeGreaterThanOrEqual(2);
        if (c.knob === 'maxCompletionTokens') expect(c.to).toBeGreaterThanOrEqual(32);
        if (c.knob === 'r') expect(c.to).toBeGreaterThanOrEqual(4);
      }
    }
    // alone, only one prompt per step fits 3 GiB; with one sequence per pass and a 1024-column head, fewer samples do
    expect(p.advice.filter((a) => a.changes.length === 1).map((a) => a.changes[0])).toEqual([{ knob: 'promptsPerStep', from: 8, to: 1 }]);
    const g = p.advice.find((a) => a.changes.length === 3 && a.changes[2].knob === 'numGenerations')!;
    expect(g.changes.slice(0, 2)).toEqual([{ knob: 'sequencesPerPass', from: 64, to: 1 }, { knob: 'vocabChunk', from: 8192, to: 1024 }]);
    const at = (G: number) => preflight({ ...x, train: { ...x.train, sequencesPerPass: 1, vocabChunk: 1024, numGenerations: G } });
    expect(at(g.changes[2].to as number).fits).toBe(true);
    expect(at((g.changes[2].to as number) + 1).fits).toBe(false);
    expect(g.message).toMatch(/^lower sequences per training pass from 64 to 1, and lower the log-prob head's vocabulary chunk from 8192 to 1024, and lower group size G \(samples per prompt\) from 8 to \d \(needs [\d.]+ GiB\)$/);
  });

  it('when only a smaller model helps, no knob is advised', () => {
    const p = preflight({ ...tinyInput, limits: { ...tinyInput.limits, budgetBytes: 2000 } });
    expect(p.fits).toBe(false);
    expect(p.advice).toEqual([]);
  });

  it('bad settings are refused by name', () => {
    expect(() => preflight({ ...tinyInput, train: { ...tinyInput.train, numGenerations: 0 } })).toThrow(/numGenerations must be a positive integer, got 0/);
    expect(() => preflight({ ...tinyInput, train: { ...tinyInput.train, sequencesPerPass: 7 } })).toThrow(/sequencesPerPass \(7\) exceeds the step's P·G = 6/);
  });
});
