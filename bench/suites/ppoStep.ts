// ppo-step-vs-grpo-step and repro-step-overhead-ppo (repro-method.md §11): one step of the toy
// model (8 prompts × 8 samples) on the WebGPU engine for GRPO and PPO (GAE, a critic on a copy of
// the trunk), each outcome-only (α = 0) and RePro (α > 0, topK = 8), interleaved, from the same
// weights each time. Every phase waits for the GPU queue before its clock stops (policyUpdate syncs
// after backward), so "optimizer" no longer holds the backward's GPU time. Breakdown per phase:
// sampling, scoring (J probes), forward/backward (policy, reference), optimizer, critic (PPO:
// rollout-time values + critic forward/backward/AdamW).
//   ppo-step-vs-grpo-step     = median(PPO RePro step) / median(GRPO RePro step)
//   repro-step-overhead-ppo   = median(PPO RePro) / median(PPO outcome) − 1
import type { GpuContext } from '../../src/gpu/device.ts';
import { GpuModel } from '../../src/engine/gpu/model.ts';
import { GpuCritic } from '../../src/engine/gpu/critic.ts';
import { initCriticParams } from '../../src/engine/critic.ts';
import { presetConfig, type AdvEstimator } from '../../src/rl/config.ts';
import type { StepTimings } from '../../src/rl/metrics.ts';
import { GrpoTrainer } from '../../src/rl/trainer.ts';
import type { BenchEntry, BenchSuite } from './index.ts';
import { startingWeights, total } from './grpoStep.ts';
import { median } from './median.ts';

const REPS = 3;
const PROMPTS = 8;
const SAMPLES = 8;
type Key = `${'grpo' | 'gae'}-${'outcome' | 'repro'}`;
const KEYS: Key[] = ['grpo-outcome', 'grpo-repro', 'gae-outcome', 'gae-repro'];

const fullTotal = (t: StepTimings) => total(t) + (t.critic ?? 0);

export const ppoStep: BenchSuite = {
  name: 'ppo-step',
  async run(ctx: GpuContext, log): Promise<BenchEntry[]> {
    const w = await startingWeights();
    const maxBT = PROMPTS * SAMPLES * w.config.blockSize;
    const model = await GpuModel.create(ctx, w.config, w.params, { maxBatchTokens: maxBT });
    const criticInit = initCriticParams(w.config, w.params, 0);
    const critic = await GpuCritic.create(ctx, w.config, criticInit, maxBT);
    const zero = new Float32Array(w.params.length);
    const czero = new Float32Array(criticInit.length);
    const common = { per_device_train_batch_size: PROMPTS, num_generations: SAMPLES, eval_every: 0, checkpoint_every: 0, entropy_top_k: 8 };
    const timings = Object.fromEntries(KEYS.map((k) => [k, [] as StepTimings[]])) as Record<Key, StepTimings[]>;
    try {
      for (let rep = 0; rep <= REPS; rep++) { // rep 0 warms up (pipeline compilation), not recorded
        for (const key of KEYS) {
          const [est, method] = key.split('-') as [AdvEstimator, 'outcome' | 'repro'];
          await model.setParams(w.params);
          await model.setOptimizerState({ m: zero, v: zero.slice(), t: 0 });
          await critic.setParams(criticInit);
          await critic.setOptimizerState({ m: czero, v: czero.slice(), t: 0 });
          const trainer = await GrpoTrainer.create(model, presetConfig(method, { ...common, adv_estimator: est, seed: rep }), {}, est === 'gae' ? critic : null);
          const m = await trainer.trainStep();
          const t = m.timings;
          log(`rep ${rep}/${REPS} ${key}: ${fullTotal(t).toFixed(0)} ms (sampling ${t.sampling.toFixed(0)}, scoring ${t.scoring.toFixed(0)}, fwd/bwd ${t.forwardBackward.toFixed(0)}, optimizer ${t.optimizer.toFixed(0)}, critic ${(t.critic ?? 0).toFixed(0)}), ${m.responseTokens.toFixed(1)} tokens/response`);
          if (rep > 0) timings[key].push(t);
        }
      }
    } finally {
      model.dispose();
      critic.dispose();
    }
    const breakdown = (ts: StepTimings[]) => ({
      totalMs: median(ts.map(fullTotal)),
      samplingMs: median(ts.map((t) => t.sampling)),
      scoringMs: median(ts.map((t) => t.scoring)),
      forwardBackwardMs: median(ts.map((t) => t.forwardBackward)),
      optimizerMs: median(ts.map((t) => t.optimizer)),
      criticMs: median(ts.map((t) => t.critic ?? 0)),
    });
    const b = Object.fromEntries(KEYS.map((k) => [k, breakdown(timings[k])])) as Record<Key, ReturnType<typeof breakdown>>;
    for (const k of KEYS) log(`median ${k}: ${JSON.stringify(b[k])}`);
    const detail = {
      breakdown: b, prompts: PROMPTS, samples: SAMPLES, topK: 8, reps: REPS,
      critic: 'value head on a copy of the SFT trunk (separate network and AdamW state)',
      weights: w.source, model: w.config, adapter: `${ctx.adapterInfo.vendor}/${ctx.adapterInfo.architecture}`,
    };
    return [
      { name: 'ppo-step-vs-grpo-step', value: b['gae-repro'].totalMs / b['grpo-repro'].totalMs, unit: '×', goal: 'report', detail },
      { name: 'repro-step-overhead-ppo', value: b['gae-repro'].totalMs / b['gae-outcome'].totalMs - 1, unit: '×', goal: '≤ 0.25', detail },
    ];
  },
};
