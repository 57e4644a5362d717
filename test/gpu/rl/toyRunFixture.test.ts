// The full-weight toy runs on the WebGPU engine give the same numbers on the same seed, whatever the
// trainer's plumbing: short runs (GRPO + RePro, PPO with the GPU critic) from the bundled SFT
// checkpoint, recorded into test/fixtures/rl/toy-runs-gpu.json before the trainer was split from
// the toy task. Steps' metrics (timings aside), evaluations, the samples panel's rollouts and a
// SHA-256 of the weights after each step must equal the recording. GPU arithmetic is only
// reproducible on the same adapter: on another one the test says so and checks nothing. A missing
// file is recorded (delete it to record anew, only when a change of numbers is intended).
import { commands } from 'vitest/browser';
import { describe, expect, it } from 'vitest';
import { acquireGpu, type GpuContext } from '../../../src/gpu/device.ts';
import { GpuModel } from '../../../src/engine/gpu/model.ts';
import { GpuCritic } from '../../../src/engine/gpu/critic.ts';
import { decodeCheckpoint } from '../../../src/engine/checkpoint.ts';
import { initCriticParams } from '../../../src/engine/critic.ts';
import { presetConfig, type GrpoConfig } from '../../../src/rl/config.ts';
import type { EvalMetrics, RolloutSample, StepMetrics } from '../../../src/rl/metrics.ts';
import { GrpoTrainer } from '../../../src/rl/trainer.ts';
import { toyEnv } from '../../../src/rl/task/env.ts';

const FILE = 'test/fixtures/rl/toy-runs-gpu.json';

const BASE: Partial<GrpoConfig> = {
  per_device_train_batch_size: 2, num_generations: 4, max_completion_length: 40, learning_rate: 3e-4, temperature: 0.7,
  eval_every: 2, eval_size: 4, seed: 5, checkpoint_every: 0, process_reward_coef: 1,
};
const CASES: { name: string; config: Partial<GrpoConfig> }[] = [
  { name: 'grpo-repro', config: {} },
  { name: 'ppo-repro', config: { adv_estimator: 'gae', critic_lr: 3e-3 } },
];
const STEPS = 2;

interface RunRecord {
  history: Omit<StepMetrics, 'timings'>[];
  evalHistory: EvalMetrics[];
  samples: RolloutSample[][];
  params: string[];
}

async function sha(a: Float32Array): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', a.slice().buffer));
  return Array.from(d, (b) => b.toString(16).padStart(2, '0')).join('');
}

async function run(ctx: GpuContext, config: GrpoConfig): Promise<RunRecord> {
  const ck = decodeCheckpoint(new Uint8Array(await (await fetch('/models/toy-reasoner/model.safetensors')).arrayBuffer()));
  const rows = config.per_device_train_batch_size * config.num_generations;
  const model = await GpuModel.create(ctx, ck.config, ck.params, { maxBatchTokens: Math.max(16, rows) * ck.config.blockSize });
  const critic = config.adv_estimator === 'gae'
    ? await GpuCritic.create(ctx, ck.config, initCriticParams(ck.config, ck.params, config.seed), Math.max(16, rows) * ck.config.blockSize)
    : null;
  const samples: RolloutSample[][] = [];
  const trainer = await GrpoTrainer.create(model, config, { onSamples: (s) => samples.push(s) }, critic, { env: toyEnv({ min_digits: 2, max_digits: 2 }) });
  const params: string[] = [];
  for (let s = 0; s < STEPS; s++) {
    await trainer.trainStep();
    params.push(await sha(await model.getParams()));
  }
  model.dispose();
  critic?.dispose();
  return { history: trainer.history.map(({ timings: _, ...m }) => m), evalHistory: trainer.evalHistory.slice(), samples, params };
}

describe('toy runs on the GPU: the same numbers on the same seed (test/fixtures/rl/toy-runs-gpu.json)', () => {
  it('GRPO + RePro and PPO + RePro from the SFT checkpoint', async () => {
    const ctx = await acquireGpu();
    const adapter = `${ctx.adapterInfo.vendor}/${ctx.adapterInfo.architecture}`;
    const got: Record<string, RunRecord> = {};
    for (const c of CASES) got[c.name] = JSON.parse(JSON.stringify(await run(ctx, presetConfig('repro', { ...BASE, ...c.config }))));
    let stored: { adapter: string; runs: Record<string, RunRecord> } | null = null;
    try {
      stored = JSON.parse(await commands.readFile(FILE));
    } catch {
      await commands.writeFile(FILE, JSON.stringify({ adapter, runs: got }, null, 1) + '\n');
      console.log(`${FILE} recorded on ${adapter}`);
      return;
    }
    if (stored!.adapter !== adapter) {
      console.log(`${FILE} was recorded on ${stored!.adapter}; this adapter is ${adapter}: GPU arithmetic differs, nothing compared`);
      return;
    }
    for (const c of CASES) {
      const want = stored!.runs[c.name];
      expect(want.history.some((m) => m.reward > 0 && m.reward < 1)).toBe(true);
      expect(new Set(want.params).size).toBe(STEPS);
      expect(got[c.name].history).toEqual(want.history);
      expect(got[c.name].evalHistory).toEqual(want.evalHistory);
      expect(got[c.name].samples).toEqual(want.samples);
      expect(got[c.name].params).toEqual(want.params);
    }
  });
});
