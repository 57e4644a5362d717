// How a training run's trainer is built on the host's dependencies: fresh from the regime's SFT
// weights (with PPO's critic on a copy of the trunk, and a frozen reference when the KL needs one),
// or rebuilt from a checkpoint (resume, device loss); the run's task read through the model's format;
// run specs stored before the task left the trainer migrated. The scheduling around it is trainingHost.ts.
import type { ModelConfig } from '../engine/config.ts';
import type { TrainableModel } from '../engine/types.ts';
import { initCriticParams, type ValueModel } from '../engine/critic.ts';
import { migrateLegacyConfig, needsReference } from '../rl/config.ts';
import type { TrainerSnapshot } from '../rl/snapshot.ts';
import { GrpoTrainer, type ReferencePolicy, type TrainerCallbacks } from '../rl/trainer.ts';
import { taskEnv } from '../rl/task/env.ts';
import { PromptSetTask } from '../rl/task/promptSetTask.ts';
import { DEFAULT_TOY_TASK, validateTaskSettings } from '../rl/task/settings.ts';
import { TOY_FORMAT } from '../rl/task/toyFormat.ts';
import { ToyTask } from '../rl/task/toyTask.ts';
import type { ModelFormat, TaskEnv } from '../rl/task/types.ts';
import type { TaskRegime } from '../task/regime.ts';
import { isEngineModel, validateRunModel } from './runModel.ts';
import type { RunSpec } from './trainingApi.ts';
import type { StoredTrainingRun } from './trainingStorage.ts';

/** A frozen model computing log π_ref, owned by the run (disposed with it). */
export type ReferenceModel = ReferencePolicy & { dispose(): void };

export interface TrainingDeps {
  /** The starting weights: the bundled SFT checkpoint of `regime` (default mixed). */
  initialWeights(regime?: TaskRegime): Promise<{ config: ModelConfig; params: Float32Array }>;
  /** A model on the current device sized for `spec`; throws when the device is gone. */
  createModel(config: ModelConfig, params: Float32Array, spec: RunSpec): Promise<TrainableModel>;
  /** The PPO critic (adv_estimator "gae") on the current device, from its flat params (src/engine/critic.ts). */
  createCritic?(config: ModelConfig, params: Float32Array, spec: RunSpec): Promise<ValueModel>;
  /**
   * A fresh critic's flat params from the starting weights; default the toy's (src/engine/critic.ts:
   * a copy of the trunk + a value head). A LoRA model's critic has its own layout (its adapters + head).
   */
  initialCritic?(config: ModelConfig, params: Float32Array, spec: RunSpec): Float32Array;
  /**
   * A frozen copy of the starting weights for a run whose KL needs π_ref (β > 0 or the KL in the
   * reward), so no step swaps weights (a read-back of the whole model) and no checkpoint stores
   * them; absent: the trainer keeps them and swaps them in.
   */
  createReference?(config: ModelConfig, params: Float32Array, spec: RunSpec): Promise<ReferenceModel>;
  /** How the run's model is prompted and read (tokenizer, chat template, stop ids, probe); default the toy model's. */
  modelFormat?(spec: RunSpec): ModelFormat;
  /**
   * An engine-model run (spec.model.kind "engine": LoRA on a Llama-family base, ./engineRun.ts) on
   * the current device: its policy, PPO's critic for "gae", and its task read through the model's
   * format by `envOf`; throws the memory pre-flight's refusal. Absent: this host trains the toy only.
   */
  buildEngineRun?(spec: RunSpec, envOf: (format: ModelFormat) => TaskEnv): Promise<{ model: TrainableModel; critic: ValueModel | null; env: TaskEnv }>;
  /** Registers a device-loss callback for the current device (and every re-acquired one). */
  onDeviceLost(cb: (message: string) => void): void;
  /** After a failed step: was the device lost (then recovery is under way, not an error)? */
  isDeviceLost(): Promise<boolean>;
  /** Drops the lost device and acquires a new one. */
  reacquireDevice(): Promise<void>;
  save(run: StoredTrainingRun): Promise<void>;
  load(runId: string): Promise<StoredTrainingRun | undefined>;
  list(): Promise<StoredTrainingRun[]>;
  remove(runId: string): Promise<void>;
}

/**
 * A spec as the UI sends it or as storage / a run file kept it: the estimator fields filled in,
 * the toy task's digits (config fields before the task left the trainer) moved to `task`, the
 * default toy task when none is named. Throws naming a bad task.
 */
export function migrateRunSpec(spec: RunSpec): RunSpec {
  const { config, task } = migrateLegacyConfig(spec.config);
  const out: RunSpec = { ...spec, config, task: spec.task ?? task ?? { ...DEFAULT_TOY_TASK } };
  // specs stored before runs named their model train the toy (the field stays absent)
  if (spec.model !== undefined) out.model = validateRunModel(spec.model);
  validateTaskSettings(out.task);
  if (out.task!.kind === 'prompt-set' && !out.promptSet) throw new RangeError(`run "${spec.runId}" trains on the prompt set "${out.task!.name}" but its items are missing`);
  return out;
}

/** The run's task read through its model's format. */
export function envOf(deps: TrainingDeps, spec: RunSpec): TaskEnv {
  return envWith(spec, deps.modelFormat?.(spec) ?? TOY_FORMAT);
}

/** The run's task read through `format`. */
export function envWith(spec: RunSpec, format: ModelFormat): TaskEnv {
  const s = migrateRunSpec(spec).task!;
  if (s.kind === 'toy-addition') return taskEnv(new ToyTask(s), format);
  return taskEnv(PromptSetTask.fromSettings(spec.promptSet!.items, s, spec.promptSet!.heldOutItems), format);
}

/** Frees what the trainer's run owns on the device: policy, critic, reference. */
export function disposeTrainer(t: GrpoTrainer): void {
  t.engine.dispose();
  t.critic?.dispose();
  (t.reference as Partial<ReferenceModel> | null)?.dispose?.();
}

function critic(deps: TrainingDeps, config: ModelConfig, params: Float32Array, spec: RunSpec): Promise<ValueModel> {
  if (!deps.createCritic) throw new Error('this training host cannot build a PPO critic (adv_estimator "gae")');
  return deps.createCritic(config, params, spec);
}

function engineRun(deps: TrainingDeps, spec: RunSpec) {
  if (!deps.buildEngineRun) throw new Error('this training host trains the toy model only: it cannot build a LoRA run on an engine model');
  return deps.buildEngineRun(spec, (format) => envWith(spec, format));
}

export async function rebuildTrainer(deps: TrainingDeps, spec: RunSpec, snap: TrainerSnapshot, callbacks: TrainerCallbacks): Promise<GrpoTrainer> {
  if (isEngineModel(spec.model)) {
    // the base reloaded (or shared), fresh adapters replaced by the snapshot's; π_ref is the base
    const p = await engineRun(deps, spec);
    try {
      return await GrpoTrainer.restore(p.model, snap, callbacks, p.critic, { env: p.env });
    } catch (e) {
      p.model.dispose();
      p.critic?.dispose();
      throw e;
    }
  }
  const env = envOf(deps, spec);
  const model = await deps.createModel(snap.state.modelConfig, snap.params, spec);
  const c = snap.critic ? await critic(deps, snap.state.modelConfig, snap.critic.params, spec) : null;
  // The reference is the starting weights: kept in checkpoints written before the host built one.
  const reference = needsReference(snap.state.config) && deps.createReference
    ? await deps.createReference(snap.state.modelConfig, snap.refParams ?? (await deps.initialWeights(spec.regime ?? 'mixed')).params, spec)
    : null;
  return GrpoTrainer.restore(model, snap, callbacks, c, { env, reference });
}

export async function freshTrainer(deps: TrainingDeps, spec: RunSpec, callbacks: TrainerCallbacks): Promise<GrpoTrainer> {
  if (isEngineModel(spec.model)) {
    const p = await engineRun(deps, spec);
    try {
      return await GrpoTrainer.create(p.model, spec.config, callbacks, p.critic, { env: p.env });
    } catch (e) {
      p.model.dispose();
      p.critic?.dispose();
      throw e;
    }
  }
  const env = envOf(deps, spec);
  const init = await deps.initialWeights(spec.regime ?? 'mixed');
  const model = await deps.createModel(init.config, init.params, spec);
  // PPO's critic: a value head on a copy of the same SFT trunk (repro-method.md §11)
  const c = spec.config.adv_estimator === 'gae'
    ? await critic(deps, init.config, deps.initialCritic?.(init.config, init.params, spec) ?? initCriticParams(init.config, init.params, spec.config.seed), spec)
    : null;
  const reference = needsReference(spec.config) && deps.createReference ? await deps.createReference(init.config, init.params, spec) : null;
  return GrpoTrainer.create(model, spec.config, callbacks, c, { env, reference });
}
