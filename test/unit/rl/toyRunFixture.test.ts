// The full-weight toy runs give the same numbers on the same seed, whatever the trainer's plumbing:
// short deterministic runs of every estimator (GRPO outcome-only and RePro, PPO with its critic,
// REINFORCE++ with the KL in the reward and a k3 KL loss, μ = 2) on the float64 CpuModel — the
// bundled SFT checkpoint, so rewards vary and CoTs have segments — recorded into
// test/fixtures/rl/toy-runs.json before the trainer was split from the toy task. Every step's
// metrics (timings aside), every held-out evaluation, the samples panel's rollouts and a SHA-256 of
// the weights and AdamW moments after each step must equal the recording exactly.
// REPRO_WRITE_FIXTURES=1 rewrites the file (only when a change of numbers is intended).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeCheckpoint } from '../../../src/engine/checkpoint.ts';
import { CpuModel } from '../../../src/engine/cpu/cpuModel.ts';
import { CpuCritic } from '../../../src/engine/cpu/critic.ts';
import { initCriticParams } from '../../../src/engine/critic.ts';
import type { TrainableModel } from '../../../src/engine/types.ts';
import { presetConfig, type GrpoConfig } from '../../../src/rl/config.ts';
import type { EvalMetrics, RolloutSample, StepMetrics } from '../../../src/rl/metrics.ts';
import { GrpoTrainer } from '../../../src/rl/trainer.ts';
import { ScriptedPolicy } from './scriptedPolicy.ts';
import { toyEnv } from '../../../src/rl/task/env.ts';

const FILE = 'test/fixtures/rl/toy-runs.json';
const WRITE = process.env.REPRO_WRITE_FIXTURES === '1';

interface RunCase {
  name: string;
  model: 'sft' | 'scripted';
  method: 'outcome' | 'repro';
  config: Partial<GrpoConfig>;
  /** toy task settings (operand digits) */
  digits: [number, number];
  steps: number;
}

const BASE: Partial<GrpoConfig> = {
  per_device_train_batch_size: 2, num_generations: 4, max_completion_length: 48, learning_rate: 3e-4, temperature: 0.7,
  eval_every: 3, eval_size: 4, seed: 11, checkpoint_every: 0,
};

const CASES: RunCase[] = [
  { name: 'grpo-outcome', model: 'sft', method: 'outcome', config: {}, digits: [2, 2], steps: 3 },
  { name: 'grpo-repro', model: 'sft', method: 'repro', config: { process_reward_coef: 1 }, digits: [2, 2], steps: 3 },
  { name: 'ppo-repro', model: 'sft', method: 'repro', config: { adv_estimator: 'gae', process_reward_coef: 1, gamma: 0.98, lam: 0.95, critic_lr: 3e-3 }, digits: [2, 2], steps: 3 },
  {
    name: 'reinforce-pp-repro-kl', model: 'sft', method: 'repro',
    config: { adv_estimator: 'reinforce_plus_plus', process_reward_coef: 1, use_kl_in_reward: true, kl_coef: 0.05, beta: 0.02 }, digits: [2, 2], steps: 3,
  },
  { name: 'scripted-grpo-repro-mu2', model: 'scripted', method: 'repro', config: { num_iterations: 2, process_reward_coef: 0.5, max_completion_length: 56, eval_every: 2 }, digits: [1, 1], steps: 2 },
];

interface RunRecord {
  history: Omit<StepMetrics, 'timings'>[];
  evalHistory: EvalMetrics[];
  samples: RolloutSample[][];
  /** after each step: sha256 of the float32 weights, of m and v, and the AdamW step count */
  state: { params: string; m: string; v: string; t: number; critic: string | null }[];
}

const sha = (a: Float32Array) => createHash('sha256').update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).digest('hex');

function sftModel(): CpuModel {
  const ck = decodeCheckpoint(new Uint8Array(readFileSync('public/models/toy-reasoner/model.safetensors')));
  return new CpuModel(ck.config, ck.params);
}

async function trainerFor(c: RunCase, model: TrainableModel, config: GrpoConfig, samples: RolloutSample[][]): Promise<{ trainer: GrpoTrainer; critic: CpuCritic | null }> {
  const critic = config.adv_estimator === 'gae'
    ? new CpuCritic(model.config, initCriticParams(model.config, await model.getParams(), config.seed))
    : null;
  const trainer = await GrpoTrainer.create(model, config, { onSamples: (s) => samples.push(s) }, critic, { env: toyEnv({ min_digits: c.digits[0], max_digits: c.digits[1] }) });
  return { trainer, critic };
}

async function record(c: RunCase): Promise<RunRecord> {
  const config = presetConfig(c.method, { ...BASE, ...c.config });
  const model: TrainableModel = c.model === 'sft' ? sftModel() : new ScriptedPolicy(3);
  const samples: RolloutSample[][] = [];
  const { trainer, critic } = await trainerFor(c, model, config, samples);
  const state: RunRecord['state'] = [];
  for (let s = 0; s < c.steps; s++) {
    await trainer.trainStep();
    const opt = await model.getOptimizerState();
    state.push({
      params: sha(await model.getParams()), m: sha(opt.m), v: sha(opt.v), t: opt.t,
      critic: critic ? sha(await critic.getParams()) : null,
    });
  }
  return {
    history: trainer.history.map(({ timings: _, ...m }) => m),
    evalHistory: trainer.evalHistory.slice(),
    samples,
    state,
  };
}

const recorded: Record<string, RunRecord> = WRITE || !existsSync(FILE) ? {} : JSON.parse(readFileSync(FILE, 'utf8'));
const written: Record<string, RunRecord> = {};

describe('toy runs: the same numbers on the same seed (test/fixtures/rl/toy-runs.json)', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const r = JSON.parse(JSON.stringify(await record(c))) as RunRecord; // as stored: NaN → null
      if (WRITE) {
        written[c.name] = r;
        return;
      }
      const want = recorded[c.name];
      expect(want, `${FILE} has no run "${c.name}" (REPRO_WRITE_FIXTURES=1 records it)`).toBeDefined();
      // the recording is not degenerate: rewards vary, the weights move, RePro probes ran
      expect(want.history.some((m) => m.reward > 0 && m.reward < 1)).toBe(true);
      expect(new Set(want.state.map((s) => s.params)).size).toBe(c.steps);
      if (c.method === 'repro') expect(want.history.some((m) => m.processReward !== null && m.processReward !== 0)).toBe(true);
      expect(r.history).toEqual(want.history);
      expect(r.evalHistory).toEqual(want.evalHistory);
      expect(r.samples).toEqual(want.samples);
      expect(r.state).toEqual(want.state);
    }, 300_000);
  }
  afterAll(() => {
    if (!WRITE) return;
    mkdirSync(dirname(FILE), { recursive: true });
    writeFileSync(FILE, JSON.stringify(written, null, 1) + '\n');
  });
});
