// The memory pre-flight of a LoRA RL run (src/engine/lora/preflight.ts; the engine-side counts are in
// ./preflightCounts.test.ts): every part of a tiny
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
import { kvGrowth, kvRegions } from '../../../../src/engine/lora/preflightBuffers.ts';
import { QWEN3_0_6B, SMOLLM2_135M } from '../hf/realConfigs.ts';

const tiny: LlamaConfig = {
  arch: 'llama', family: 'llama', vocabSize: 16, blockSize: 64, nLayer: 2, nHead: 2, nKvHead: 1, nEmbd: 8, headDim: 4,
  intermediateSize: 12, rmsNormEps: 1e-5, ropeTheta: 1e4, ropeScaling: null, qkvBias: false, oBias: false, qkNorm: false, tieWordEmbeddings: true,
};
const BIG = 2 ** 40;
const tinyInput: PreflightInput = {
  config: tiny, weightDtype: 'F16', lora: { r: 2, targets: ['q_proj', 'v_proj'] },
  train: { promptsPerStep: 2, numGenerations: 3, maxPromptTokens: 4, maxCompletionTokens: 5, critic: true, vocabChunk: 8, inferenceRows: 8 },
  limits: { maxBufferSize: BIG, maxStorageBufferBindingSize: BIG, budgetBytes: BIG },
};

describe('a tiny configuration, part by part (hand-computed)', () => {
  // C 8, NH 2, NKV 1, HD 4, QD 8, KVD 4, W 16, I 12, V 16, L 2, 64 positions, tied; P 2, G 3,
  // T 4 + 5 = 9, S 6, N 54, Vc 8, n 8; r 2 on q (8→8) and v (8→4): 56 adapter elements per layer.
  const want: Record<string, number> = {
    // F16 matrices: embed 16·8·2 = 256; per layer qkvw 16·8·2 = 256, attprojw 128, gateupw 384, downw 192, norms 2·8·4 = 64; final norm 32
    weights: 256 + 32 + 2 * (256 + 128 + 384 + 192 + 64),
    // params and grads, 112 f32 each
    adapters: 2 * 448,
    // m and v, and the 2-word state
    optimizer: 2 * 448 + 8,
    // (L+1)·N·C·4 = 3·54·8·4
    checkpoints: 5184,
    // 4N 216, 5NC 2160, 2NW 1728, 2N·QD 864, 4NI 2592, 2NI 1296, 3NC 1296, 2N 108, 2N·NH·T 1944,
    // (k+1)·N·r 324, 2NC + N 918, T·HD 36 → 13 482 floats
    activations: 13482 * 4,
    // N·Vc·4 = 1728; 7·N·4 = 1512
    headChunks: 1728 + 1512,
    // 2 shared prompts of 3 rows + 6 samples of 9 = 60 rows: the store's first growth gives 256; 2·256·4·4 = 8192 per layer
    kv: 2 * 8192,
    // n·(7C+W+QD+3I+NH+12+r)·4 = 8·132·4 = 4224; head slice 8·16·4 = 512; rotary 64·4·4 = 1024; sampler 8·20 = 160; sampled logits 6·16·4 = 384
    inference: 4224 + 512 + 1024 + 160 + 384,
    // adapters, grads, m, v 4·448; value head (8+1)·4 ×4
    critic: 1792 + 144,
  };

  it('each part and the total', () => {
    const p = preflight(tinyInput);
    expect(Object.fromEntries(p.parts.map((x) => [x.part, x.bytes]))).toEqual(want);
    expect(p.totalBytes).toBe(91112);
    expect(p.fits).toBe(true);
    expect(p.problems).toEqual([]);
    expect(p.advice).toEqual([]);
  });

  it('no critic without PPO; RePro probes add KV rows; a smaller pass shrinks what scales with S', () => {
    const noCritic = preflight({ ...tinyInput, train: { ...tinyInput.train, critic: false } });
    expect(noCritic.parts.find((x) => x.part === 'critic')).toBeUndefined();
    expect(noCritic.totalBytes).toBe(91112 - 1936);
    // 6 probe regions of 10 rows: 120 rows still fit the 256 the store starts with
    expect(preflight({ ...tinyInput, train: { ...tinyInput.train, probeTokensPerSample: 10 } }).totalBytes).toBe(91112);
    // of 40: the fifth needs 260 rows, the store grows to ⌈1.5·256⌉ = 384 while the 256-row layers are still live
    const probes = preflight({ ...tinyInput, train: { ...tinyInput.train, probeTokensPerSample: 40 } });
    expect(probes.totalBytes - 91112).toBe(2 * (2 * (384 + 256) * 4 * 4) - 2 * 8192);
    const s2 = preflight({ ...tinyInput, train: { ...tinyInput.train, sequencesPerPass: 2 } });
    const part = (p: typeof s2, name: string) => p.parts.find((x) => x.part === name)!.bytes;
    expect(part(s2, 'checkpoints')).toBe(5184 / 3);
    expect(part(s2, 'kv')).toBe(2 * 8192);
  });

  it('the head chunk defaults to the engine\'s 32 MiB of logits', () => {
    const p = preflight({ ...tinyInput, config: { ...tiny, vocabSize: 1_000_000 }, train: { ...tinyInput.train, vocabChunk: undefined } });
    const chunk = p.buffers.find((b) => b.name === 'logits chunk')!;
    expect(chunk.bytes).toBe(54 * Math.floor(2 ** 25 / (54 * 4)) * 4);
  });
});

const SETTINGS = { promptsPerStep: 8, numGenerations: 8, maxPromptTokens: 128, maxCompletionTokens: 128, critic: false };

describe('real configurations (bf16 weights, r 16, all seven targets, 8 prompts × 8 samples × 128 + 128 tokens)', () => {
  const run = (json: Record<string, unknown>) =>
    preflight({ config: llamaConfigFromHf(json), weightDtype: 'BF16', lora: { r: 16, targets: [...LORA_TARGETS] }, train: SETTINGS, limits: { maxBufferSize: BIG, maxStorageBufferBindingSize: BIG, budgetBytes: BIG } });
  const part = (p: ReturnType<typeof run>, name: string) => p.parts.find((x) => x.part === name)!.bytes;
  const KV_ROWS = kvGrowth(kvRegions(SETTINGS, 8192));

  it('SmolLM2-135M', () => {
    const p = run(SMOLLM2_135M);
    // 134 515 008 parameters, of which the 30·2·576 + 576 = 35 136 norm weights are widened to f32
    expect(part(p, 'weights')).toBe((134_515_008 - 35_136) * 2 + 35_136 * 4);
    // per layer 16·[(576+576) + (576+192)·2 + (576+576) + (576+1536)·3] = 162 816; × 30 layers; params + grads
    expect(part(p, 'adapters')).toBe(2 * 30 * 162_816 * 4);
    expect(part(p, 'optimizer')).toBe(2 * 30 * 162_816 * 4 + 8);
    // 8 shared prompts of 127 rows + 64 samples of 256 = 17 400 rows; growing ×1.5 from 256 the store
    // ends at 22 145 rows, the 14 763-row layers live while they are copied: × 2 × KVD 192 × 4 bytes × 30 layers
    expect(KV_ROWS).toEqual({ capacity: 22_145, previous: 14_763, rowsUsed: 17_400 });
    expect(part(p, 'kv')).toBe((22_145 + 14_763) * 2 * 192 * 4 * 30);
  });

  it('Qwen3-0.6B', () => {
    const p = run(QWEN3_0_6B);
    // 596 049 920 parameters, norms 28·(1024·2 + 128·2) + 1024 = 65 536 widened to f32
    expect(part(p, 'weights')).toBe((596_049_920 - 65_536) * 2 + 65_536 * 4);
    // per layer 16·[(1024+2048)·2 + (1024+1024)·2 + (1024+3072)·3] = 360 448; × 28; params + grads
    expect(part(p, 'adapters')).toBe(2 * 28 * 360_448 * 4);
    expect(part(p, 'kv')).toBe((22_145 + 14_763) * 2 * 1024 * 4 * 28);
  });
});

const FREE: string[] = ['sequencesPerPass', 'inferenceRows', 'vocabChunk'];

/** The settings with these changes: the knobs that change the results first (a pass never holds more sequences than the step), then the free ones. */
function apply(x: PreflightInput, changes: { knob: string; to: number | string }[]): PreflightInput {
  let y = x;
  for (const c of [...changes.filter((c) => !FREE.includes(c.knob)), ...changes.filter((c) => FREE.includes(c.knob))]) {
    const t = y.train;
    const S = t.sequencesPerPass ?? t.promptsPerStep * t.numGenerations;
    if (c.knob === 'r') y = { ...y, lora: { ...y.lora, r: c.to as number } };
    else if (c.knob === 'targets') y = { ...y, lora: { ...y.lora, targets: (c.to as string).split(', ') as typeof y.lora.targets } };
    else if (c.knob === 'numGenerations') y = { ...y, train: { ...t, numGenerations: c.to as number, sequencesPerPass: Math.min(S, t.promptsPerStep * (c.to as number)) } };
    else if (c.knob === 'promptsPerStep') y = { ...y, train: { ...t, promptsPerStep: c.to as number, sequencesPerPass: Math.min(S, (c.to as number) * t.numGenerations) } };
    else y = { ...y, train: { ...t, [c.knob]: c.to } };
  }
  return y;
}

describe('limits, budget and advice', () => {
  it('a buffer over maxStorageBufferBindingSize is named, with its part and formula', () => {
    const p = preflight({ ...tinyInput, limits: { maxBufferSize: BIG, maxStorageBufferBindingSize: 6000, budgetBytes: BIG } });
    expect(p.fits).toBe(false);
    expect(p.problems).toEqual([
      'KV cache: the buffer "kv layer" (2·R·KVD·4 per layer, R = 256 rows (KvStore growth over 60 rows: P·G·(Tp+Tc+probe) + the shared prompt rows)) needs 8.0 KiB, more than this adapter\'s maxStorageBufferBindingSize (5.9 KiB).',
    ]);
  });

  it('over budget: the largest parts named; each advised value fits and the next one up does not', () => {
    const x = { ...tinyInput, limits: { ...tinyInput.limits, budgetBytes: 75_000 } };
    const p = preflight(x);
    expect(p.fits).toBe(false);
    expect(p.problems).toEqual(['The run needs 89.0 KiB on the GPU, more than the 73.2 KiB budget; the largest parts: recomputed layer activations and gradients 52.7 KiB, KV cache 16.0 KiB, sampling and probe scratch 6.2 KiB.']);
    const knobs = p.advice.map((a) => a.changes.map((c) => c.knob).join('+'));
    expect(knobs).toContain('numGenerations');
    expect(knobs).toContain('sequencesPerPass');
    for (const a of p.advice) {
      expect(a.changes).toHaveLength(1);
      const [{ knob, to }] = a.changes;
      if (knob === 'targets') continue;
      expect(preflight(apply(x, [{ knob, to }])).fits, `${knob} ${to}`).toBe(true);
      expect(preflight(apply(x, [{ knob, to: (to as number) + 1 }])).fits, `${knob} ${(to as number) + 1}`).toBe(false);
      expect(a.totalBytes).toBe(preflight(apply(x, [{ knob, to }])).totalBytes);
    }
    const g = p.advice.find((a) => a.changes[0].knob === 'numGenerations')!;
    expect(g.message).toBe(`lower group size G (samples per prompt) from 3 to ${g.changes[0].to} (needs ${(g.totalBytes / 1024).toFixed(1)} KiB)`);
  });

  it('a real model over budget: every piece of advice fits, at the largest value, never below the floors (G 2, 32 completion tokens, r 4)', () => {
    const qwen3 = llamaConfigFromHf(QWEN3_0_6B);
    const x: PreflightInput = {
      config: qwen3, weightDtype: 'BF16', lora: { r: 16, targets: [...LORA_TARGETS] },
      train: { ...SETTINGS, sequencesPerPass: 64 }, limits: { maxBufferSize: BIG, maxStorageBufferBindingSize: BIG, budgetBytes: 3 * 2 ** 30 },
    };
    const p = preflight(x);
    expect(p.fits).toBe(false);
    // KV cache (3.7 GiB with its growth) + base weights (1.1 GiB) alone exceed 3 GiB: no knob that keeps the results is enough
    expect(p.advice.length).toBeGreaterThan(0);
    expect(p.advice.some((a) => a.changes.length === 1 && FREE.includes(a.changes[0].knob))).toBe(false);
    const FLOORS: Record<string, number> = { numGenerations: 2, maxCompletionTokens: 32, r: 4, promptsPerStep: 1 };
    for (const a of p.advice) {
      const result = a.changes.at(-1)!;
      for (const c of a.changes) if (c.knob in FLOORS) expect(c.to).toBeGreaterThanOrEqual(FLOORS[c.knob]);
      expect(preflight(apply(x, a.changes)).fits, a.message).toBe(true);
      expect(preflight(apply(x, a.changes)).totalBytes).toBe(a.totalBytes);
      if (result.knob === 'targets') continue;
      // one more of the knob that changes the results does not fit, even with the free knobs at their floors
      const floors = [{ knob: 'sequencesPerPass', to: 1 }, { knob: 'inferenceRows', to: 64 }, { knob: 'vocabChunk', to: 1024 }];
      const up = [...(a.changes.length > 1 ? floors : []), { knob: result.knob, to: (result.to as number) + 1 }];
      expect(preflight(apply(x, up)).fits, `${result.knob} ${(result.to as number) + 1}`).toBe(false);
      expect(a.message).toMatch(/^(lower|set) .+ \(needs [\d.]+ GiB\)$/);
    }
    const g = p.advice.find((a) => a.changes.at(-1)!.knob === 'numGenerations' && a.changes.length > 1);
    // with one sequence per pass G can stay higher than alone
    const alone = p.advice.find((a) => a.changes.length === 1 && a.changes[0].knob === 'numGenerations');
    if (g && alone) expect(g.changes.at(-1)!.to as number).toBeGreaterThan(alone.changes[0].to as number);
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
