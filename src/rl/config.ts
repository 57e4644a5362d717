// RL training configuration, named as TRL's GRPOConfig where TRL has the setting, plus the
// RePro process-reward settings (repro-method.md §6, §7, §9) and the estimator settings of PPO /
// REINFORCE++ named as verl and OpenRLHF name them (repro-method.md §11). One typed object with a default and
// a comment per field; it serialises to JSON (run files, checkpoints, URLs) unchanged. What is trained
// on is the task's (./task/settings.ts: the toy's min_digits / max_digits were fields here once;
// migrateLegacyConfig moves them).
import type { AdamWConfig } from '../engine/types.ts';
import { splitLegacyTask, type LegacyTaskFields, type ToyTaskSettings } from './task/settings.ts';

export interface GrpoConfig {
  /** G, completions sampled per prompt (TRL num_generations). */
  num_generations: number;
  /** AdamW learning rate (TRL learning_rate). */
  learning_rate: number;
  /** β, weight of the k3 KL to the reference policy (TRL beta; repro-method.md §9 default 0). */
  beta: number;
  /** ε, clip range of the ratio ρ (TRL epsilon; repro-method.md §9 default 0.2). */
  epsilon: number;
  /** Longest completion (CoT + answer), tokens (TRL max_completion_length). */
  max_completion_length: number;
  /** Sampling temperature of the rollouts (TRL temperature). */
  temperature: number;
  /** Policy updates per batch of rollouts, μ (TRL num_iterations). */
  num_iterations: number;
  /** Prompts per step (TRL per_device_train_batch_size; one GPU, no accumulation). */
  per_device_train_batch_size: number;
  /** Seed of prompt drawing and sampling (TRL seed). */
  seed: number;
  /** Max global gradient norm; ≤ 0 disables clipping (TRL max_grad_norm). */
  max_grad_norm: number;
  /** AdamW weight decay on 2-D weights (TRL weight_decay). */
  weight_decay: number;
  /** AdamW β1, β2, ε (TRL adam_beta1, adam_beta2, adam_epsilon). */
  adam_beta1: number;
  adam_beta2: number;
  adam_epsilon: number;
  /** α, coefficient of the process advantage; 0 = outcome-only GRPO (repro-method.md §9). */
  process_reward_coef: number;
  /** w, weight of the magnitude score in the process score (repro-method.md §6). */
  process_weight_w: number;
  /** topK, segments probed per rollout, chosen by first-token entropy (repro-method.md §7). */
  entropy_top_k: number;
  /** Segment delimiter of the CoT (repro-method.md §2); a string, the blank line by default. */
  segment_delimiter: string;
  /** ε added to the group std in both normalisations (repro-method.md §9). */
  advantage_eps: number;
  /** Held-out evaluation every this many steps; 0 = never. */
  eval_every: number;
  /** Held-out problems per evaluation. */
  eval_size: number;
  /** Automatic checkpoint every this many steps; 0 = never. */
  checkpoint_every: number;
  // --- The advantage estimator (repro-method.md §11; verl/OpenRLHF names). Missing in older run
  // files and checkpoints: withEstimatorDefaults fills them in (such runs are GRPO).
  /** grpo (§9), gae (PPO with a critic), reinforce_plus_plus (no critic, batch-normalised returns). */
  adv_estimator: AdvEstimator;
  /** γ, discount of the token rewards (gae, reinforce_plus_plus; verl default 1.0). */
  gamma: number;
  /** λ of GAE (verl default 1.0). */
  lam: number;
  /** Clip range of the value prediction around the rollout-time value (verl critic.cliprange_value 0.5). */
  cliprange_value: number;
  /** AdamW learning rate of the critic (verl critic.optim.lr; 10× the actor's, as in verl's recipe). */
  critic_lr: number;
  /** Steps at the start in which only the critic trains, the policy frozen (verl trainer.critic_warmup). */
  critic_warmup: number;
  /** Weight of the k1 KL penalty placed in the token rewards (verl algorithm.kl_ctrl.kl_coef). */
  kl_coef: number;
  /** Put −kl_coef·(log π_old − log π_ref) into every token's reward (gae, reinforce_plus_plus). */
  use_kl_in_reward: boolean;
  /**
   * How gae / reinforce_plus_plus scale the process rewards before α (repro-method.md §11):
   * 'none' = the raw r_j (§11 as written); 'group' = normalised over all process rewards of the
   * prompt's group, as §9 does for GRPO — this project's option, the paper is silent (docs/experiment.md
   * measures both). GRPO always normalises (§9).
   */
  process_reward_norm: ProcessRewardNorm;
}

export type ProcessRewardNorm = 'none' | 'group';
export const PROCESS_REWARD_NORMS: readonly ProcessRewardNorm[] = ['none', 'group'];

export type AdvEstimator = 'grpo' | 'gae' | 'reinforce_plus_plus';
export const ADV_ESTIMATORS: readonly AdvEstimator[] = ['grpo', 'gae', 'reinforce_plus_plus'];
/** How each estimator is named in legends and tables. */
export const ESTIMATOR_LABELS: Record<AdvEstimator, string> = { grpo: 'GRPO', gae: 'PPO', reinforce_plus_plus: 'REINFORCE++' };

/** The estimator fields' defaults (verl's PPO recipe; critic_lr 10× our learning_rate as verl's 1e-5 vs 1e-6). */
export const ESTIMATOR_DEFAULTS = Object.freeze({
  adv_estimator: 'grpo' as AdvEstimator,
  gamma: 1.0,
  lam: 1.0,
  cliprange_value: 0.5,
  critic_lr: 1e-3,
  critic_warmup: 0,
  kl_coef: 0.001,
  use_kl_in_reward: false,
  process_reward_norm: 'none' as ProcessRewardNorm,
});

/** A config from an older run file or checkpoint (no estimator fields) as a GRPO config; others unchanged. */
export function withEstimatorDefaults(c: GrpoConfig): GrpoConfig {
  return { ...ESTIMATOR_DEFAULTS, ...c };
}

export const DEFAULT_GRPO_CONFIG: Readonly<GrpoConfig> = Object.freeze({
  num_generations: 8,
  learning_rate: 1e-4,
  beta: 0.0,
  epsilon: 0.2,
  max_completion_length: 96,
  temperature: 1.0,
  num_iterations: 1,
  per_device_train_batch_size: 8,
  seed: 0,
  max_grad_norm: 1.0,
  weight_decay: 0.0,
  adam_beta1: 0.9,
  adam_beta2: 0.99,
  adam_epsilon: 1e-8,
  process_reward_coef: 0.1,
  process_weight_w: 0.5,
  entropy_top_k: 8,
  segment_delimiter: '\n\n',
  advantage_eps: 1e-6,
  eval_every: 10,
  eval_size: 32,
  checkpoint_every: 25,
  ...ESTIMATOR_DEFAULTS,
});

export interface GrpoPreset {
  name: string;
  method: 'outcome' | 'repro';
  config: GrpoConfig;
}

/** The two runs the training screen and the experiment compare, same seed by default. */
export const GRPO_PRESETS: readonly GrpoPreset[] = [
  { name: 'Outcome only (GRPO)', method: 'outcome', config: { ...DEFAULT_GRPO_CONFIG, process_reward_coef: 0 } },
  { name: 'RePro (GRPO + process reward)', method: 'repro', config: { ...DEFAULT_GRPO_CONFIG } },
];

/** The config of a preset, with overrides; validated. */
export function presetConfig(method: 'outcome' | 'repro', overrides: Partial<GrpoConfig> = {}): GrpoConfig {
  const preset = GRPO_PRESETS.find((p) => p.method === method);
  if (!preset) throw new RangeError(`method must be "outcome" or "repro" (got ${JSON.stringify(method)})`);
  const cfg = { ...preset.config, ...overrides };
  if (method === 'outcome') cfg.process_reward_coef = 0;
  validateGrpoConfig(cfg);
  return cfg;
}

/** A KL needs π_ref: the k3 loss (β > 0) or the k1 penalty in the token rewards. */
export function needsReference(c: Pick<GrpoConfig, 'beta' | 'use_kl_in_reward' | 'kl_coef'>): boolean {
  return c.beta > 0 || (c.use_kl_in_reward && c.kl_coef > 0);
}

/** The AdamW settings the engine's step() takes. */
export function adamWFromConfig(c: GrpoConfig): AdamWConfig {
  return {
    learningRate: c.learning_rate,
    beta1: c.adam_beta1,
    beta2: c.adam_beta2,
    eps: c.adam_epsilon,
    weightDecay: c.weight_decay,
    gradClip: c.max_grad_norm,
  };
}

type NumericKey = { [K in keyof GrpoConfig]: GrpoConfig[K] extends number ? K : never }[keyof GrpoConfig];
type Check = [NumericKey, (x: number) => boolean, string];
const POSITIVE_INT = (x: number) => Number.isInteger(x) && x >= 1;
const NON_NEGATIVE_INT = (x: number) => Number.isInteger(x) && x >= 0;
const CHECKS: Check[] = [
  ['num_generations', POSITIVE_INT, 'an integer ≥ 1'],
  ['learning_rate', (x) => x >= 0, '≥ 0'],
  ['beta', (x) => x >= 0, '≥ 0'],
  ['epsilon', (x) => x > 0 && x < 1, 'in (0, 1)'],
  ['max_completion_length', POSITIVE_INT, 'an integer ≥ 1'],
  ['temperature', (x) => x > 0, '> 0 (GRPO samples)'],
  ['num_iterations', POSITIVE_INT, 'an integer ≥ 1'],
  ['per_device_train_batch_size', POSITIVE_INT, 'an integer ≥ 1'],
  ['seed', Number.isInteger, 'an integer'],
  ['max_grad_norm', () => true, 'a number'],
  ['weight_decay', (x) => x >= 0, '≥ 0'],
  ['adam_beta1', (x) => x >= 0 && x < 1, 'in [0, 1)'],
  ['adam_beta2', (x) => x >= 0 && x < 1, 'in [0, 1)'],
  ['adam_epsilon', (x) => x > 0, '> 0'],
  ['process_reward_coef', (x) => x >= 0, '≥ 0'],
  ['process_weight_w', (x) => x >= 0 && x <= 1, 'in [0, 1]'],
  ['entropy_top_k', POSITIVE_INT, 'an integer ≥ 1'],
  ['advantage_eps', (x) => x > 0, '> 0'],
  ['eval_every', NON_NEGATIVE_INT, 'an integer ≥ 0'],
  ['eval_size', POSITIVE_INT, 'an integer ≥ 1'],
  ['checkpoint_every', NON_NEGATIVE_INT, 'an integer ≥ 0'],
  ['gamma', (x) => x >= 0 && x <= 1, 'in [0, 1]'],
  ['lam', (x) => x >= 0 && x <= 1, 'in [0, 1]'],
  ['cliprange_value', (x) => x > 0, '> 0'],
  ['critic_lr', (x) => x >= 0, '≥ 0'],
  ['critic_warmup', NON_NEGATIVE_INT, 'an integer ≥ 0'],
  ['kl_coef', (x) => x >= 0, '≥ 0'],
];

/** Throws a RangeError naming the first bad field. */
export function validateGrpoConfig(c: GrpoConfig): void {
  if (c === null || typeof c !== 'object') throw new TypeError(`GrpoConfig must be an object (got ${String(c)})`);
  for (const [key, ok, what] of CHECKS) {
    const v = c[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) {
      throw new RangeError(`GrpoConfig.${key} must be ${what} (got ${typeof v === 'number' ? String(v) : JSON.stringify(v)})`);
    }
  }
  if (!ADV_ESTIMATORS.includes(c.adv_estimator)) {
    throw new RangeError(`GrpoConfig.adv_estimator must be one of ${ADV_ESTIMATORS.join(' | ')} (got ${JSON.stringify(c.adv_estimator)})`);
  }
  if (typeof c.use_kl_in_reward !== 'boolean') {
    throw new RangeError(`GrpoConfig.use_kl_in_reward must be true or false (got ${JSON.stringify(c.use_kl_in_reward)})`);
  }
  if (!PROCESS_REWARD_NORMS.includes(c.process_reward_norm)) {
    throw new RangeError(`GrpoConfig.process_reward_norm must be one of ${PROCESS_REWARD_NORMS.join(' | ')} (got ${JSON.stringify(c.process_reward_norm)})`);
  }
  if (c.use_kl_in_reward && c.adv_estimator === 'grpo') {
    throw new RangeError('GrpoConfig.use_kl_in_reward applies to gae and reinforce_plus_plus (token rewards); GRPO takes its KL as a loss term (beta)');
  }
  if (typeof c.segment_delimiter !== 'string' || c.segment_delimiter.length === 0) {
    throw new RangeError(`GrpoConfig.segment_delimiter must be a non-empty string (got ${JSON.stringify(c.segment_delimiter)})`);
  }
}

/**
 * A config as read from a run file, checkpoint or stored run spec: the estimator fields filled in
 * (older runs are GRPO) and the toy task's digits, fields of the config before the task left the
 * trainer, moved out (`task`: the toy task they described; null when the config has none).
 */
export function migrateLegacyConfig(raw: GrpoConfig & LegacyTaskFields): { config: GrpoConfig; task: ToyTaskSettings | null } {
  const { config, task } = splitLegacyTask(raw);
  return { config: withEstimatorDefaults(config as GrpoConfig), task };
}
