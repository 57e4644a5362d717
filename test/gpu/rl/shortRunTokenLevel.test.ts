// Real short PPO (GAE + critic) and REINFORCE++ runs on the WebGPU engine raise the reward, on the
// easy task variant and the noisy-teacher warm start of ./shortRun.test.ts (1-digit operands; a
// demonstrator whose CoT is right but whose answer is off by one half the time). Both with the
// RePro process reward in the token rewards (repro-method.md §11). Reward measured before and after
// at the sampling temperature on all 100 problems × 3 seeds (SE of a difference ≈ 0.04).
import { describe, expect, it } from 'vitest';
import { acquireGpu } from '../../../src/gpu/device.ts';
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
import { imitate } from './noisyTeacher.ts';
import { Rng } from '../../../src/sampling/rng.ts';
import { toyEnv } from '../../../src/rl/task/env.ts';

const CONFIG: ModelConfig = { vocabSize: 50, blockSize: 48, nLayer: 1, nHead: 2, nEmbd: 32 };
const ALL = Array.from({ length: 100 }, (_, i) => problemFrom(i % 10, Math.floor(i / 10)));
const STEPS = 20;
const common = {
  per_device_train_batch_size: 8, num_generations: 8, max_completion_length: 24,
  learning_rate: 1e-3, critic_lr: 1e-2, temperature: 1, eval_every: 0, checkpoint_every: 0, seed: 1,
};

async function meanReward(m: TrainableModel, seeds: number[]): Promise<number> {
  let sum = 0;
  for (const seed of seeds) {
    const r = await evaluatePolicy(m, ALL, { maxNewTokens: common.max_completion_length, temperature: 1, seed, delimiter: '\n\n', w: 0.5 });
    sum += r.metrics.accuracy;
  }
  return sum / seeds.length;
}

let warm: Float32Array | null = null;
async function warmStart(): Promise<Float32Array> {
  if (warm) return warm;
  const m = new CpuModel(CONFIG, initParams(CONFIG, 1));
  await imitate(m, new Rng(3), { steps: 250, batch: 32, lr: 1e-2, noise: 0.5, problem: { minDigits: 1, maxDigits: 1 } });
  warm = await m.getParams();
  return warm;
}

describe('token-level estimators: short runs on GpuModel', () => {
  for (const est of ['gae', 'reinforce_plus_plus'] as AdvEstimator[]) {
    it(`${STEPS} ${est} + RePro steps from a noisy-teacher warm start raise the reward`, async () => {
      const ctx = await acquireGpu();
      const params = await warmStart();
      const model = await GpuModel.create(ctx, CONFIG, params, { maxBatchTokens: 128 * CONFIG.blockSize });
      const critic = est === 'gae' ? await GpuCritic.create(ctx, CONFIG, initCriticParams(CONFIG, params, 1), 128 * CONFIG.blockSize) : null;
      const before = await meanReward(model, [101, 102, 103]);
      const trainer = await GrpoTrainer.create(model, presetConfig('repro', { ...common, adv_estimator: est }), {}, critic, { env: toyEnv({ min_digits: 1, max_digits: 1 }) });
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
      const after = await meanReward(model, [101, 102, 103]);
      console.log(`${est}: reward ${before.toFixed(3)} → ${after.toFixed(3)}; train reward ${curve.map((r) => r.toFixed(2)).join(' ')}` +
        (ev.length ? `; explained variance ${ev.map((x) => x.toFixed(2)).join(' ')}` : ''));
      expect(before).toBeGreaterThan(0.2);
      expect(before).toBeLessThan(0.6);
      expect(after - before).toBeGreaterThan(0.1);
      model.dispose();
      critic?.dispose();
    }, 600_000);
  }
});
