// What the experiment page (./page.ts) trains, behind one interface: the regime's toy GPT-2 with full
// weights (one model, its weights and optimizer reset per run), or LoRA adapters on a bundled engine
// model, each run's policy built by the training worker's own run builder (src/worker/engineRun.ts:
// the base loaded once and shared, the model's format, the memory pre-flight, fresh adapters seeded
// by the run) and freed after the run. Both give the fixed judge of tokens after certainty: the
// starting model's J (the SFT checkpoint; for LoRA, fresh adapters whose B = 0, i.e. the base itself).
import type { GpuContext } from '../src/gpu/device.ts';
import { GpuModel } from '../src/engine/gpu/model.ts';
import { GpuCritic } from '../src/engine/gpu/critic.ts';
import { initCriticParams, type ValueModel } from '../src/engine/critic.ts';
import { decodeCheckpoint } from '../src/engine/checkpoint.ts';
import type { TrainableModel } from '../src/engine/types.ts';
import type { GrpoConfig } from '../src/rl/config.ts';
import type { JudgeModel } from '../src/rl/evaluate.ts';
import { taskEnv, TOY_ENV } from '../src/rl/task/env.ts';
import { DEFAULT_TOY_TASK } from '../src/rl/task/settings.ts';
import { ToyTask } from '../src/rl/task/toyTask.ts';
import type { TaskEnv } from '../src/rl/task/types.ts';
import { buildEngineRun, EngineBases } from '../src/worker/engineRun.ts';
import type { EngineRunModel } from '../src/worker/runModel.ts';
import type { ExperimentSpec } from './spec.ts';

export interface RunPolicy {
  model: TrainableModel;
  critic: ValueModel | null;
  /** frees what the run owned (the toy's shared model stays) */
  release(): void;
}

export interface ExperimentPolicies {
  /** for the log: what is trained and how */
  describe: string;
  /** the toy task through the model's format (prompts, verifier, probe) */
  env: TaskEnv;
  /** the starting model: evaluated before training, and the fixed judge of every run */
  start: TrainableModel;
  judge: JudgeModel;
  /** a policy at the starting weights with a fresh optimizer (and PPO's fresh critic) for one run */
  fresh(cfg: GrpoConfig): Promise<RunPolicy>;
  dispose(): Promise<void>;
}

/** The regime's toy GPT-2 SFT checkpoint, trained with full weights (the experiment's original setting). */
async function toyPolicies(ctx: GpuContext, spec: ExperimentSpec, rows: number): Promise<ExperimentPolicies> {
  const res = await fetch(spec.checkpointUrl);
  if (!res.ok) throw new Error(`SFT checkpoint ${spec.checkpointUrl}: HTTP ${res.status} (run npm run train:toy first)`);
  const ck = decodeCheckpoint(new Uint8Array(await res.arrayBuffer()));
  const maxBatchTokens = Math.max(16, rows) * ck.config.blockSize;
  const model = await GpuModel.create(ctx, ck.config, ck.params, { maxBatchTokens });
  // the judge on a model of its own: the policy's weights move under training
  const judge = await GpuModel.create(ctx, ck.config, ck.params);
  return {
    describe: `toy GPT-2 ${JSON.stringify(ck.config)}, full weights`,
    env: TOY_ENV, start: model, judge,
    async fresh(cfg) {
      await model.setParams(ck.params);
      const zero = new Float32Array(ck.params.length);
      await model.setOptimizerState({ m: zero, v: zero.slice(), t: 0 });
      // PPO: a fresh critic on a copy of the SFT trunk per run (repro-method.md §11)
      const critic = cfg.adv_estimator === 'gae' ? await GpuCritic.create(ctx, ck.config, initCriticParams(ck.config, ck.params, cfg.seed), maxBatchTokens) : null;
      return { model, critic, release: () => critic?.dispose() };
    },
    async dispose() {
      model.dispose();
      judge.dispose();
    },
  };
}

/** LoRA on a bundled engine model: every run's policy through the worker's buildEngineRun. */
async function enginePolicies(ctx: GpuContext, spec: ExperimentSpec, cfg: GrpoConfig): Promise<ExperimentPolicies> {
  const m = spec.model!;
  const model: EngineRunModel = { kind: 'engine', source: { kind: 'bundled', name: m.name }, lora: m.lora };
  const bases = new EngineBases(ctx);
  const task = new ToyTask(DEFAULT_TOY_TASK);
  const build = (c: GrpoConfig) => buildEngineRun(ctx, bases, {
    runId: `experiment-${c.seed}`, label: 'experiment', method: c.process_reward_coef > 0 ? 'repro' : 'outcome', config: c, steps: spec.steps,
    regime: spec.regime, task: { ...DEFAULT_TOY_TASK }, model,
  }, (format) => taskEnv(task, format));
  // fresh adapters (B = 0) compute exactly the base: the starting model, never trained
  const start = await build(cfg);
  start.critic?.dispose();
  const { r, lora_alpha, target_modules } = m.lora;
  return {
    describe: `${m.name} ${JSON.stringify(start.model.config)}, LoRA r ${r}, lora_alpha ${lora_alpha}, targets ${target_modules.join(',')}; ${start.env.format.kind} format`,
    env: start.env, start: start.model, judge: start.model,
    async fresh(c) {
      const p = await build(c);
      return { model: p.model, critic: p.critic, release: () => { p.model.dispose(); p.critic?.dispose(); } };
    },
    async dispose() {
      start.model.dispose();
      await bases.disposeAll();
    },
  };
}

export function openPolicies(ctx: GpuContext, spec: ExperimentSpec, cfg: GrpoConfig): Promise<ExperimentPolicies> {
  return spec.model ? enginePolicies(ctx, spec, cfg) : toyPolicies(ctx, spec, cfg.per_device_train_batch_size * cfg.num_generations);
}
