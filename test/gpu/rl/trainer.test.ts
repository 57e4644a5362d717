// The GRPO trainer on the WebGPU engine (SwiftShader here): a step's update moves the policy toward
// its advantages (its surrogate loss falls on the step's batch), steps run with finite metrics and
// the RePro probes on the GPU, a checkpoint round-trip resumes bit-exactly, and a frozen reference
// model (TrainerOptions.reference) replaces the per-step weight swap of the KL with the same numbers.
import { describe, expect, it } from 'vitest';
import { acquireGpu } from '../../../src/gpu/device.ts';
import { GpuModel } from '../../../src/engine/gpu/model.ts';
import { initParams } from '../../../src/engine/init.ts';
import type { ModelConfig } from '../../../src/engine/config.ts';
import { GrpoTrainer } from '../../../src/rl/trainer.ts';
import { adamWFromConfig, presetConfig } from '../../../src/rl/config.ts';
import { grpoLoss } from '../../../src/rl/loss.ts';
import { policyUpdate } from '../../../src/rl/policyUpdate.ts';
import { decodeTrainerCheckpoint, encodeTrainerCheckpoint } from '../../../src/rl/checkpoint.ts';
import { toyEnv } from '../../../src/rl/task/env.ts';

const CONFIG: ModelConfig = { vocabSize: 50, blockSize: 48, nLayer: 1, nHead: 2, nEmbd: 16 };
const GRPO = presetConfig('repro', {
  per_device_train_batch_size: 2, num_generations: 4, max_completion_length: 24,
  learning_rate: 1e-2, eval_every: 2, eval_size: 2, seed: 3, num_iterations: 2,
});

const ONE_DIGIT = { env: toyEnv({ min_digits: 1, max_digits: 1 }) };

describe('GrpoTrainer on GpuModel', () => {
  it('trains: a step\'s updates move log-probs toward the advantages and lower the surrogate loss on its batch', async () => {
    const ctx = await acquireGpu();
    const model = await GpuModel.create(ctx, CONFIG, initParams(CONFIG, 5), { maxBatchTokens: 8 * CONFIG.blockSize });
    const trainer = await GrpoTrainer.create(model, GRPO, {}, null, ONE_DIGIT);
    const { batch } = await trainer.prepareStep(); // sampled and RePro-scored on the GPU
    expect(batch.advantages.some((a, i) => a !== 0 && batch.mask[i] > 0)).toBe(true);
    const before = (await model.forward(batch.inputs, batch.targets, batch.B, batch.T)).logProbs.slice();
    const upd = await policyUpdate(model, batch, null, {
      iterations: GRPO.num_iterations, epsilon: GRPO.epsilon, beta: 0, adamW: adamWFromConfig(GRPO), log: () => {},
    });
    expect(upd.skipped).toBe(false);
    const after = (await model.forward(batch.inputs, batch.targets, batch.B, batch.T)).logProbs.slice();
    model.dispose();
    let gain = 0;
    for (let i = 0; i < before.length; i++) gain += batch.mask[i] * batch.advantages[i] * (after[i] - before[i]);
    expect(gain).toBeGreaterThan(0);
    const loss = (lp: Float32Array) => grpoLoss({ logp: lp, oldLogp: before, advantages: batch.advantages, mask: batch.mask, epsilon: GRPO.epsilon, beta: 0 }).loss;
    expect(loss(after)).toBeLessThan(loss(before));
  });

  it('runs steps with finite metrics, evaluates, and resumes bit-exactly from a checkpoint', async () => {
    const ctx = await acquireGpu();
    const make = (p: Float32Array) => GpuModel.create(ctx, CONFIG, p, { maxBatchTokens: 8 * CONFIG.blockSize });
    const a = await GrpoTrainer.create(await make(initParams(CONFIG, 5)), GRPO, {}, null, ONE_DIGIT);
    const m1 = await a.trainStep();
    const m2 = await a.trainStep();
    for (const m of [m1, m2]) {
      expect(Number.isFinite(m.loss)).toBe(true);
      expect(m.skipped).toBe(false);
      expect(m.processReward === null || Number.isFinite(m.processReward)).toBe(true);
      expect(m.responseTokens).toBeGreaterThan(0);
    }
    expect(a.evalHistory).toHaveLength(1);
    const snap = decodeTrainerCheckpoint(encodeTrainerCheckpoint(await a.snapshot()));
    const b = await GrpoTrainer.restore(await make(initParams(CONFIG, 99)), snap);
    const strip = (m: { timings: unknown }) => ({ ...m, timings: null });
    const ma = await a.trainStep();
    const mb = await b.trainStep();
    expect(strip(mb)).toEqual(strip(ma));
    expect(Array.from(await b.engine.getParams())).toEqual(Array.from(await a.engine.getParams()));
  });

  it('a frozen reference model gives exactly the numbers of swapping the starting weights in, with no weights read back or kept', async () => {
    const ctx = await acquireGpu();
    const make = (p: Float32Array) => GpuModel.create(ctx, CONFIG, p, { maxBatchTokens: 8 * CONFIG.blockSize });
    const cfg = { ...GRPO, beta: 0.05, eval_every: 0, adv_estimator: 'reinforce_plus_plus' as const, use_kl_in_reward: true, kl_coef: 0.05 };
    const start = initParams(CONFIG, 5);
    const swap = await GrpoTrainer.create(await make(start), cfg, {}, null, ONE_DIGIT);
    const policy = await make(start);
    let readBacks = 0;
    const getParams = policy.getParams.bind(policy);
    policy.getParams = () => { readBacks++; return getParams(); };
    const reference = await make(start);
    const frozen = await GrpoTrainer.create(policy, cfg, {}, null, { ...ONE_DIGIT, reference });
    const strip = (m: { timings: unknown }) => ({ ...m, timings: null });
    for (let k = 0; k < 3; k++) expect(strip(await frozen.trainStep())).toEqual(strip(await swap.trainStep()));
    expect(readBacks).toBe(0);
    expect(Array.from(await getParams())).toEqual(Array.from(await swap.engine.getParams()));
    expect((await frozen.snapshot()).refParams).toBeNull();
    for (const m of [swap.engine, policy, reference]) m.dispose();
  });
});
