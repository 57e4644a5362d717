// How a training run's trainer is built on the host's dependencies: fresh from the regime's SFT
// weights (with PPO's critic on a copy of the trunk), or rebuilt from a snapshot (resume, device
// loss). The scheduling around it is trainingHost.ts.
import type { ModelConfig } from '../engine/config.ts';
import type { TrainableModel } from '../engine/types.ts';
import { initCriticParams, type ValueModel } from '../engine/critic.ts';
import type { TrainerSnapshot } from '../rl/snapshot.ts';
import { GrpoTrainer, type TrainerCallbacks } from '../rl/trainer.ts';
import type { TaskRegime } from '../task/regime.ts';
import type { RunSpec } from './trainingApi.ts';
import type { StoredTrainingRun } from './trainingStorage.ts';

export interface TrainingDeps {
  /** The starting weights: the bundled SFT checkpoint of `regime` (default mixed). */
  initialWeights(regime?: TaskRegime): Promise<{ config: ModelConfig; params: Float32Array }>;
  /** A model on the current device sized for `spec`; throws when the device is gone. */
  createModel(config: ModelConfig, params: Float32Array, spec: RunSpec): Promise<TrainableModel>;
  /** The PPO critic (adv_estimator "gae") on the current device, from its flat params (src/engine/critic.ts). */
  createCritic?(config: ModelConfig, params: Float32Array, spec: RunSpec): Promise<ValueModel>;
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

function critic(deps: TrainingDeps, config: ModelConfig, params: Float32Array, spec: RunSpec): Promise<ValueModel> {
  if (!deps.createCritic) throw new Error('this training host cannot build a PPO critic (adv_estimator "gae")');
  return deps.createCritic(config, params, spec);
}

export async function rebuildTrainer(deps: TrainingDeps, spec: RunSpec, snap: TrainerSnapshot, callbacks: TrainerCallbacks): Promise<GrpoTrainer> {
  const model = await deps.createModel(snap.state.modelConfig, snap.params, spec);
  const c = snap.critic ? await critic(deps, snap.state.modelConfig, snap.critic.params, spec) : null;
  return GrpoTrainer.restore(model, snap, callbacks, c);
}

export async function freshTrainer(deps: TrainingDeps, spec: RunSpec, callbacks: TrainerCallbacks): Promise<GrpoTrainer> {
  const init = await deps.initialWeights(spec.regime ?? 'mixed');
  const model = await deps.createModel(init.config, init.params, spec);
  // PPO's critic: a value head on a copy of the same SFT trunk (repro-method.md §11)
  const c = spec.config.adv_estimator === 'gae'
    ? await critic(deps, init.config, initCriticParams(init.config, init.params, spec.config.seed), spec)
    : null;
  return GrpoTrainer.create(model, spec.config, callbacks, c);
}
