// The trainer's full state for an exact resume, and its validation when read back.
import type { ModelConfig } from '../engine/config.ts';
import type { RngState } from '../sampling/rng.ts';
import { validateGrpoConfig, type GrpoConfig } from './config.ts';
import type { EvalMetrics, StepMetrics } from './metrics.ts';
import { validateTaskSettings, type TaskSettings } from './task/settings.ts';

/** The JSON part (travels as checkpoint metadata). */
export interface TrainerState {
  version: 1;
  config: GrpoConfig;
  modelConfig: ModelConfig;
  /** completed steps */
  step: number;
  /** the trainer's sampling-seed stream (src/sampling/rng.ts) */
  rngState: RngState;
  /**
   * the task's training stream (RlTask.trainStream): the toy's xoshiro128** state (a single uint32
   * in runs saved before the task used it, mulberry32, which the toy stream reseeds from), a prompt
   * set's { epoch, index }
   */
  taskRngState: RngState | number | { epoch: number; index: number };
  /** the task trained on (absent in checkpoints written before the task left the trainer: the toy task of their config's digits) */
  task?: TaskSettings;
  /** AdamW step count */
  optimizerT: number;
  history: StepMetrics[];
  evalHistory: EvalMetrics[];
}

export interface TrainerSnapshot {
  state: TrainerState;
  params: Float32Array;
  /** AdamW moments */
  m: Float32Array;
  v: Float32Array;
  /** the reference policy of the KL term (beta > 0 or a KL in the reward), else null */
  refParams: Float32Array | null;
  /** the PPO critic (adv_estimator "gae"): its parameters and AdamW state; null / absent otherwise */
  critic?: CriticState | null;
}

export interface CriticState {
  params: Float32Array;
  m: Float32Array;
  v: Float32Array;
  t: number;
}

/** Throws naming the field at fault unless `s` is a usable TrainerState. */
export function validateTrainerState(s: unknown): asserts s is TrainerState {
  if (s === null || typeof s !== 'object') throw new TypeError('trainer state must be an object');
  const o = s as Record<string, unknown>;
  if (o.version !== 1) throw new RangeError(`trainer state version must be 1 (got ${JSON.stringify(o.version)})`);
  validateGrpoConfig(o.config as GrpoConfig);
  for (const k of ['step', 'optimizerT'] as const) {
    if (!Number.isInteger(o[k]) || (o[k] as number) < 0) throw new RangeError(`trainer state.${k} must be an integer ≥ 0 (got ${JSON.stringify(o[k])})`);
  }
  if (!Array.isArray(o.rngState) || o.rngState.length !== 4) throw new RangeError('trainer state.rngState must be 4 uint32 words');
  if (o.task !== undefined) validateTaskSettings(o.task);
  const stream = o.taskRngState as { epoch?: unknown; index?: unknown } | null;
  const kind = (o.task as TaskSettings | undefined)?.kind ?? 'toy-addition';
  if (kind === 'toy-addition') {
    if (!(Array.isArray(stream) && stream.length === 4) && !(Number.isInteger(stream) && (stream as unknown as number) >= 0 && (stream as unknown as number) <= 0xffffffff)) {
      throw new RangeError(`trainer state.taskRngState must be 4 uint32 words (or one, from an older version) (got ${JSON.stringify(stream)})`);
    }
  } else if (stream === null || typeof stream !== 'object' || !Number.isInteger(stream.epoch) || !Number.isInteger(stream.index)) {
    throw new RangeError(`trainer state.taskRngState of a prompt-set run must be { epoch, index } (got ${JSON.stringify(stream)})`);
  }
  if (!Array.isArray(o.history)) throw new TypeError('trainer state.history must be an array');
  if (!Array.isArray(o.evalHistory)) throw new TypeError('trainer state.evalHistory must be an array');
  if (o.modelConfig === null || typeof o.modelConfig !== 'object') throw new TypeError('trainer state.modelConfig must be an object');
}
