// Real short runs on the WebGPU engine raise the reward, on an easy variant of the task (1-digit
// operands, concise traces): GRPO, PPO (GAE + critic) and REINFORCE++, all with the RePro process
// reward (token-level estimators: in the token rewards, repro-method.md §11).
//
// Warm start: supervised steps (on the float64 CPU reference: faster than SwiftShader for this size)
// imitating a demonstrator whose CoT is always right but whose final answer is off by one half the
// time (./noisyTeacher.ts): mid-range accuracy, with one habit the verifier can fix. Then each
// method on its own GpuModel from those weights. Measured before (once: the three runs start from
// the same weights) and after on all 100 problems:
//   - mean reward at the sampling temperature (3 seeds → 300 samples; SE of a difference ≈ 0.04),
//   - for GRPO also greedy accuracy and
//   - P(true sum | prompt + correct CoT + "Answer: ") teacher-forced: the habit itself, noise-free.
// Only the verifier's reward is read from the evaluations, so they skip the J probes (probeJ: false;
// the samples, hence the accuracies, are the same with or without them).
// Observed on SwiftShader: reward 0.46 → 0.63, greedy 0.62 → 0.87, P(sum | CoT) 0.56 → 0.81.
// Why these settings: from a weak warm start (CoT right about half the time) or with learning_rate
// ≥ 3e-3, Adam's per-parameter steps on the noisy policy gradient erode the arithmetic faster than
// the reward teaches it and the reward stays flat or falls; lr 1e-3 from a warm start whose CoT is
// mostly right raises it within 10 steps.
import { describe, expect, it } from 'vitest';
import { GpuModel } from '../../../src/engine/gpu/model.ts';
import { GpuCritic } from '../../../src/engine/gpu/critic.ts';
import { CpuModel } from '../../../src/engine/cpu/cpuModel.ts';
import { initParams } from '../../../src/engine/init.ts';
import { initCriticParams } from '../../../src/engine/critic.ts';
import type { ModelConfig } from '../../../src/engine/config.ts';
import type { TrainableModel } from '../../../src/engine/types.ts';
import { GrpoTrainer } from '../../../src/rl/trainer.ts';
import { presetConfig, type AdvEstimator } from '../../../src/rl/config.ts';
import { evaluatePolicy } from '../../../src/rl/evaluate.ts';
import { problemFrom } from '../../../src/task/problem.ts';
import { renderTrace } from '../../../src/task/trace.ts';
import { ANSWER_MARKER } from '../../../src/task/format.ts';
import { toyTokenizer } from '../../../src/task/tokenizer.ts';
import { PAD_ID } from '../../../src/task/vocab.ts';
import { imitate } from './noisyTeacher.ts';
import { Rng } from '../../../src/sampling/rng.ts';
import { toyEnv } from '../../../src/rl/task/env.ts';
import { gpu } from '../engine/helpers.ts';

const CONFIG: ModelConfig = { vocabSize: 50, blockSize: 48, nLayer: 1, nHead: 2, nEmbd: 32 };
const DIGITS = { minDigits: 1, maxDigits: 1 };
const ALL = Array.from({ length: 100 }, (_, i) => problemFrom(i % 10, Math.floor(i / 10)));
const common = {
  per_device_train_batch_size: 8, num_generations: 8, max_completion_length: 24,
  learning_rate: 1e-3, temperature: 1, eval_every: 0, checkpoint_every: 0, seed: 1,
};
const GRPO = presetConfig('repro', common);
const STEPS = 20;
const SEEDS = [101, 102, 103];
const MAX_BATCH_TOKENS = 128 * CONFIG.blockSize;

/** Mean reward over ALL, sampled at `temperature`, one response per problem per seed. */
async function meanReward(m: TrainableModel, temperature: number, seeds: number[]): Promise<number> {
  let sum = 0;
  for (const seed of seeds) {
    const r = await evaluatePolicy(m, ALL, { maxNewTokens: common.max_completion_length, temperature, seed, delimiter: '\n\n', w: 0.5, chunkSize: ALL.length, probeJ: false });
    sum += r.metrics.accuracy;
  }
  return sum / seeds.length;
}

/** Mean over ALL of P(answer tokens + <eos> | prompt + correct concise CoT + marker), teacher-forced. */
async function answerGivenCot(m: TrainableModel, answerOf: (a: number, b: number) => number): Promise<number> {
  const rows = ALL.map((p) => {
    const t = renderTrace(p, 'concise', new Rng(0));
    const context = toyTokenizer.encode(t.prompt + t.cot + ANSWER_MARKER);
    return { seq: context.concat(toyTokenizer.encode(`${answerOf(p.a, p.b)}<eos>`)), from: context.length };
  });
  const B = rows.length;
  const T = Math.max(...rows.map((r) => r.seq.length)) - 1;
  const inputs = new Int32Array(B * T).fill(PAD_ID);
  const targets = new Int32Array(B * T).fill(-1);
  rows.forEach((r, b) => {
    for (let t = 0; t < r.seq.length - 1; t++) {
      inputs[b * T + t] = r.seq[t];
      if (t + 1 >= r.from) targets[b * T + t] = r.seq[t + 1];
    }
  });
  const { logProbs } = await m.forward(inputs, targets, B, T);
  let p = 0;
  for (let b = 0; b < B; b++) {
    let lp = 0;
    for (let t = 0; t < T; t++) lp += logProbs[b * T + t];
    p += Math.exp(lp);
  }
  return p / B;
}

interface Measured { reward: number; greedy: number; copy: number; offByOne: number }
async function measure(model: TrainableModel): Promise<Measured> {
  return {
    reward: await meanReward(model, common.temperature, SEEDS),
    greedy: await meanReward(model, 0, [0]),
    copy: await answerGivenCot(model, (a, b) => a + b),
    offByOne: await answerGivenCot(model, (a, b) => a + b + 1),
  };
}
const f = (x: Measured) => `reward ${x.reward.toFixed(3)} greedy ${x.greedy.toFixed(2)} P(sum|CoT) ${x.copy.toFixed(3)} P(sum+1|CoT) ${x.offByOne.toFixed(3)}`;

// The warm start and its measurement: once per file, whichever test comes first.
let warm: Promise<Float32Array> | null = null;
function warmStart(): Promise<Float32Array> {
  warm ??= (async () => {
    const m = new CpuModel(CONFIG, initParams(CONFIG, 1));
    await imitate(m, new Rng(3), { steps: 250, batch: 32, lr: 1e-2, noise: 0.5, problem: DIGITS });
    return m.getParams();
  })();
  return warm;
}
let measuredBefore: Promise<Measured> | null = null;
function before(): Promise<Measured> {
  measuredBefore ??= (async () => {
    const model = await GpuModel.create(await gpu(), CONFIG, await warmStart(), { maxBatchTokens: MAX_BATCH_TOKENS });
    try {
      const b = await measure(model);
      console.log(`warm start: ${f(b)}`);
      // the warm start is mid-range: there is room to improve, and something to lose
      expect(b.reward).toBeGreaterThan(0.2);
      expect(b.reward).toBeLessThan(0.6);
      return b;
    } finally {
      model.dispose();
    }
  })();
  return measuredBefore;
}

describe('short runs on GpuModel', () => {
  it(`${STEPS} GRPO + RePro steps from a noisy-teacher warm start raise the reward`, async () => {
    const b = await before();
    const model = await GpuModel.create(await gpu(), CONFIG, await warmStart(), { maxBatchTokens: MAX_BATCH_TOKENS });
    const trainer = await GrpoTrainer.create(model, GRPO, {}, null, { env: toyEnv({ min_digits: 1, max_digits: 1 }) });
    const curve: number[] = [];
    for (let s = 0; s < STEPS; s++) {
      const m = await trainer.trainStep();
      expect(m.skipped, `step ${m.step}`).toBe(false);
      expect(m.processReward === null || Number.isFinite(m.processReward)).toBe(true);
      curve.push(m.reward);
    }
    const after = await measure(model);
    console.log(`GRPO before: ${f(b)}\nafter:  ${f(after)}\ntrain reward per step: ${curve.map((r) => r.toFixed(2)).join(' ')}`);

    // reward at the sampling temperature: up by well over its noise (SE of the difference ≈ 0.04)
    expect(after.reward - b.reward).toBeGreaterThan(0.1);
    // greedy accuracy over the 100 problems (SE ≈ 0.05)
    expect(after.greedy - b.greedy).toBeGreaterThan(0.1);
    // and for the right reason: the off-by-one habit was trained out
    expect(after.copy - b.copy).toBeGreaterThan(0.15);
    expect(after.offByOne).toBeLessThan(b.offByOne);
    // the training curve agrees: the last steps' rollouts beat the first steps'
    const mean = (xs: number[]) => xs.reduce((a, c) => a + c, 0) / xs.length;
    expect(mean(curve.slice(-5))).toBeGreaterThan(mean(curve.slice(0, 5)));
    model.dispose();
  }, 600_000);

  for (const est of ['gae', 'reinforce_plus_plus'] as AdvEstimator[]) {
    it(`${STEPS} ${est} + RePro steps from a noisy-teacher warm start raise the reward`, async () => {
      const b = await before();
      const ctx = await gpu();
      const params = await warmStart();
      const model = await GpuModel.create(ctx, CONFIG, params, { maxBatchTokens: MAX_BATCH_TOKENS });
      const critic = est === 'gae' ? await GpuCritic.create(ctx, CONFIG, initCriticParams(CONFIG, params, 1), MAX_BATCH_TOKENS) : null;
      const trainer = await GrpoTrainer.create(model, presetConfig('repro', { ...common, critic_lr: 1e-2, adv_estimator: est }), {}, critic, { env: toyEnv({ min_digits: 1, max_digits: 1 }) });
      const curve: number[] = [];
      const ev: number[] = [];
      for (let s = 0; s < STEPS; s++) {
        const m = await trainer.trainStep();
        expect(m.skipped, `step ${m.step}`).toBe(false);
        curve.push(m.reward);
        if (est === 'gae') {
          expect(Number.isFinite(m.valueLoss!) && Number.isFinite(m.explainedVariance!)).toBe(true);
          ev.push(m.explainedVariance!);
        }
      }
      const after = await meanReward(model, common.temperature, SEEDS);
      console.log(`${est}: reward ${b.reward.toFixed(3)} → ${after.toFixed(3)}; train reward ${curve.map((r) => r.toFixed(2)).join(' ')}` +
        (ev.length ? `; explained variance ${ev.map((x) => x.toFixed(2)).join(' ')}` : ''));
      expect(after - b.reward).toBeGreaterThan(0.1);
      model.dispose();
      critic?.dispose();
    }, 600_000);
  }
});
