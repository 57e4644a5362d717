// End to end on the WebGPU engine: the GRPO trainer (src/rl/trainer.ts) with the RePro process
// reward and a KL to the reference policy, driving LlamaLoraModel (LoRA, r 4, all seven targets) on
// a tiny random Llama with BF16 weights whose vocabulary is the toy task's (the trainer's task until
// it serves any tokenizer). Checks: two steps with finite losses that are not rejected; only the
// adapters change (every base weight buffer byte-identical after the steps); the reference
// log-probs are the base's (float64 CPU forward without adapters) while the adapted policy's
// differ; the snapshot holds adapters + AdamW moments only, and restoring it into a fresh model
// gives the same next step, bit for bit. REINFORCE++ (KL in the reward) runs one step too.
import { afterAll, describe, expect, it } from 'vitest';
import { cpuForwardLogits } from '../../../src/engine/cpu/forward.ts';
import { blockSteps } from '../../../src/engine/block.ts';
import { LORA_TARGETS } from '../../../src/engine/lora/loraConfig.ts';
import { LlamaLoraModel } from '../../../src/engine/lora/loraModel.ts';
import { readBuffer } from '../../../src/gpu/buffers.ts';
import type { GpuContext } from '../../../src/gpu/device.ts';
import { presetConfig, type GrpoConfig } from '../../../src/rl/config.ts';
import { GrpoTrainer } from '../../../src/rl/trainer.ts';
import { toyEnv } from '../../../src/rl/task/env.ts';
import { VOCAB } from '../../../src/task/vocab.ts';
import { gpu } from '../engine/helpers.ts';
import { gpuBaseOf } from '../engine/loraHelpers.ts';
import { toyVocabLlama } from '../../util/tinyLlamaLora.ts';

const cleanup: (() => void)[] = [];
/** the toy task on 1-digit problems (short prompts) */
const ENV = toyEnv({ min_digits: 1, max_digits: 1 });
afterAll(() => { for (const f of cleanup) f(); });

const LORA = { r: 4, lora_alpha: 8, lora_dropout: 0, target_modules: [...LORA_TARGETS] };
const SIZES = { maxSeqLen: 64, maxBatchTokens: 8 * 64, maxInferenceRows: 256 };
const RUN: Partial<GrpoConfig> = {
  per_device_train_batch_size: 2, num_generations: 4, max_completion_length: 20,
  learning_rate: 2e-2, temperature: 1, eval_every: 0, checkpoint_every: 0, seed: 3, beta: 0.04,
  // a one-character delimiter: a random policy's completions then hold segments to score
  segment_delimiter: ' ', process_reward_coef: 0.5,
};

async function setup() {
  const ctx = await gpu();
  const base = gpuBaseOf(ctx, toyVocabLlama(VOCAB.length, { seed: 7, dtype: 'BF16' }));
  cleanup.push(() => base.weights.destroy());
  const make = async () => {
    const m = await LlamaLoraModel.create(ctx, base, LORA, { ...SIZES, seed: 5 });
    cleanup.push(() => m.dispose());
    return m;
  };
  return { ctx, base, make };
}

/** Every base weight buffer's bytes. */
async function baseBytes(ctx: GpuContext, base: Awaited<ReturnType<typeof setup>>['base']): Promise<Uint8Array[]> {
  const w = base.weights;
  const bufs = new Set<GPUBuffer>([w.embed.buf, w.head.buf, w.finalNormW.buf]);
  for (let l = 0; l < base.config.nLayer; l++) {
    for (const s of blockSteps(base.config)) {
      if (s.op === 'linear') { bufs.add(w.layer(l, s.w).buf); if (s.b) bufs.add(w.layer(l, s.b).buf); }
      if (s.op === 'rmsnorm' || s.op === 'headnorm') bufs.add(w.layer(l, s.w).buf);
    }
  }
  return Promise.all([...bufs].map(async (b) => new Uint8Array(await readBuffer(ctx.device, b, b.size))));
}

/** log-softmax at the targets of a CPU float64 forward (adapters or none), [B·T]. */
function cpuLogProbs(base: Awaited<ReturnType<typeof setup>>['base'], lora: { layout: LlamaLoraModel['layout']; params: Float64Array } | null, inputs: Int32Array, targets: Int32Array, B: number, T: number): Float64Array {
  const V = base.config.vocabSize;
  const out = new Float64Array(B * T);
  for (let b = 0; b < B; b++) {
    const logits = cpuForwardLogits(base.config, base.cpu, Array.from(inputs.subarray(b * T, (b + 1) * T)), lora);
    for (let t = 0; t < T; t++) {
      const tgt = targets[b * T + t];
      if (tgt < 0) continue;
      const row = logits.subarray(t * V, (t + 1) * V);
      const mx = Math.max(...row);
      out[b * T + t] = row[tgt] - mx - Math.log(row.reduce((s, x) => s + Math.exp(x - mx), 0));
    }
  }
  return out;
}

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (x, i) => Math.abs(x - b[i])));

describe('GRPO + RePro with LoRA on a tiny random Llama (WebGPU)', () => {
  it('two steps train the adapters only; π_ref = the base; a restored snapshot repeats the next step exactly', async () => {
    const { ctx, base, make } = await setup();
    const model = await make();
    const before = await baseBytes(ctx, base);
    const start = await model.getParams();
    const trainer = await GrpoTrainer.create(model, presetConfig('repro', RUN), {}, null, { env: ENV });

    const m1 = await trainer.trainStep();
    expect(Number.isFinite(m1.loss), `loss ${m1.loss}`).toBe(true);
    expect(m1.skipped).toBe(false);
    expect(m1.processReward, 'RePro scored segments').not.toBeNull();
    const snap = await trainer.snapshot();
    expect(snap.params.length).toBe(model.layout.total); // adapters, not the model
    expect(snap.m.length).toBe(model.layout.total);
    expect(snap.refParams).toBeNull(); // π_ref is the base: nothing to keep

    const m2 = await trainer.trainStep();
    expect(Number.isFinite(m2.loss)).toBe(true);
    expect(m2.skipped).toBe(false);
    const after2 = await model.getParams();
    let moved = 0;
    for (let i = 0; i < after2.length; i++) if (after2[i] !== start[i]) moved++;
    expect(moved / after2.length, 'share of adapter elements changed').toBeGreaterThan(0.5);
    const now = await baseBytes(ctx, base);
    now.forEach((b, i) => expect(b.every((x, j) => x === before[i][j]), `base buffer ${i} unchanged`).toBe(true));

    // π_ref = the base (CPU float64, no adapters); the adapted policy is not
    const prep = await trainer.prepareStep();
    const { inputs, targets, B, T } = prep.batch;
    const ref = await model.referenceForward(inputs, targets, B, T);
    const pol = await model.forward(inputs, targets, B, T);
    const lora = { layout: model.layout, params: Float64Array.from(after2) };
    const refErr = maxAbs(ref.logProbs, cpuLogProbs(base, null, inputs, targets, B, T));
    const polErr = maxAbs(pol.logProbs, cpuLogProbs(base, lora, inputs, targets, B, T));
    console.log(`π_ref vs CPU base ${refErr.toExponential(2)}, π vs CPU adapted ${polErr.toExponential(2)}, |π − π_ref| ${maxAbs(pol.logProbs, ref.logProbs).toExponential(2)}`);
    expect(refErr).toBeLessThan(1e-4);
    expect(polErr).toBeLessThan(1e-4);
    expect(maxAbs(pol.logProbs, ref.logProbs)).toBeGreaterThan(1e-3);

    // restore the step-1 snapshot into a fresh model: its step 2 is the original's, bit for bit
    const fresh = await make();
    const again = await GrpoTrainer.restore(fresh, snap, {}, null, { env: ENV });
    const r2 = await again.trainStep();
    expect(r2.loss).toBe(m2.loss);
    expect(r2.gradNorm).toBe(m2.gradNorm);
    expect(r2.reward).toBe(m2.reward);
    expect(Array.from(await fresh.getParams())).toEqual(Array.from(after2));
    const o1 = await model.getOptimizerState(), o2 = await fresh.getOptimizerState();
    expect(o2.t).toBe(o1.t);
    expect(Array.from(o2.m)).toEqual(Array.from(o1.m));
  });

  it('a non-finite gradient: the step is rejected, adapters and AdamW moments untouched', async () => {
    const { make } = await setup();
    const model = await make();
    const B = 2, T = 8;
    const inputs = Int32Array.from({ length: B * T }, (_, i) => (i * 7) % VOCAB.length);
    const targets = Int32Array.from({ length: B * T }, (_, i) => (i * 5 + 1) % VOCAB.length);
    const opt = { learningRate: 1e-2, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0, gradClip: 1 };
    model.zeroGrad();
    await model.forward(inputs, targets, B, T);
    await model.backward(new Float32Array(B * T).fill(-0.1));
    expect((await model.step(opt)).skipped).toBe(false);
    const p0 = await model.getParams(), o0 = await model.getOptimizerState();
    model.zeroGrad();
    await model.forward(inputs, targets, B, T);
    const bad = new Float32Array(B * T).fill(-0.1);
    bad[5] = NaN;
    await model.backward(bad);
    const r = await model.step(opt);
    expect(r.skipped).toBe(true);
    expect(Array.from(await model.getParams())).toEqual(Array.from(p0));
    const o1 = await model.getOptimizerState();
    expect(o1.t).toBe(o0.t);
    expect(Array.from(o1.m)).toEqual(Array.from(o0.m));
    expect(Array.from(o1.v)).toEqual(Array.from(o0.v));
  });

  it('REINFORCE++ with the KL in the reward: π_ref from the base, one finite step', async () => {
    const { make } = await setup();
    const model = await make();
    const trainer = await GrpoTrainer.create(model, presetConfig('repro', { ...RUN, adv_estimator: 'reinforce_plus_plus', beta: 0, use_kl_in_reward: true, kl_coef: 0.05 }), {}, null, { env: ENV });
    const m = await trainer.trainStep();
    expect(Number.isFinite(m.loss)).toBe(true);
    expect(m.skipped).toBe(false);
    expect(m.gradNorm).toBeGreaterThan(0);
  });
});
