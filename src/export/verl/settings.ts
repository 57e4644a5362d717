// The settings of a verl run exported from the tab (docs/scale-out.md has the mapping table): the
// GRPO/PPO knobs under the names the tab uses (src/rl/config.ts, TRL's), the RePro block under the
// names python/repro_rl/settings.py reads, and the cluster shape. Pure; validated with zod so the
// CLI and the button report the exact field at fault.
import { z } from 'zod';
import { DEFAULT_GRPO_CONFIG } from '../../rl/config.ts';
import { DEFAULT_EPS, DEFAULT_TOP_K, DEFAULT_W } from '../../repro/index.ts';

export const ESTIMATORS = ['grpo', 'gae', 'reinforce_plus_plus'] as const;
export type Estimator = (typeof ESTIMATORS)[number];

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const positiveInt = z.number().int().min(1);

export const reproBlockSchema = z.object({
  /** α (repro-method.md §9 / §11); 0 = outcome-only */
  process_reward_coef: finite.min(0),
  /** w (§6) */
  process_weight_w: finite.min(0).max(1),
  /** topK (§7); 0 = every segment */
  entropy_top_k: z.number().int().min(0),
  /** ε of §4 */
  score_eps: finite.gt(0),
  /** ε of §9's normalisations */
  advantage_eps: finite.gt(0),
  /** delimiter (§2): null = the blank-line RegExp; a RegExp source when segment_delimiter_is_regex */
  segment_delimiter: z.string().min(1).nullable(),
  segment_delimiter_is_regex: z.boolean(),
  /** probe text (§3) */
  probe: z.string().min(1),
  /** the CoT ends at the first of these in a response (else the whole response) */
  cot_end: z.array(z.string().min(1)),
  estimator: z.enum(ESTIMATORS),
  /** gae / reinforce_plus_plus: raw r_j ('none', §11) or normalised over the group first ('group', as §9) */
  process_reward_norm: z.enum(['none', 'group']),
}).strict();
export type ReproBlock = z.infer<typeof reproBlockSchema>;

/**
 * LoRA for the cluster run (docs/advance/ppo_lora.rst of verl 0.5): actor_rollout_ref.model.lora_rank,
 * lora_alpha, target_modules (PEFT module names, or "all-linear"); null = full fine-tuning.
 */
export const verlLoraSchema = z.object({
  lora_rank: positiveInt,
  lora_alpha: finite.gt(0),
  target_modules: z.union([z.array(z.string().min(1)).min(1), z.literal('all-linear')]),
}).strict();
export type VerlLora = z.infer<typeof verlLoraSchema>;

export const verlRunSettingsSchema = z.object({
  /** HF hub id or path of the policy model on the cluster */
  model: z.string().min(1),
  /** parameters in billions (GPU estimate); null = read from the model id ("1.5B") */
  model_params_b: finite.gt(0).nullable(),
  estimator: z.enum(ESTIMATORS),
  num_generations: positiveInt,
  learning_rate: finite.gt(0),
  /** β of the k3 KL loss (§9); 0 = off */
  beta: finite.min(0),
  epsilon: finite.gt(0),
  max_prompt_length: positiveInt,
  max_completion_length: positiveInt,
  temperature: finite.gt(0),
  per_device_train_batch_size: positiveInt,
  num_iterations: positiveInt,
  max_grad_norm: finite,
  weight_decay: finite.min(0),
  seed: z.number().int().min(0),
  total_steps: positiveInt,
  /** PPO / REINFORCE++ (issue #13 names) */
  gamma: finite.min(0).max(1),
  lam: finite.min(0).max(1),
  critic_lr: finite.gt(0),
  cliprange_value: finite.gt(0),
  kl_coef: finite.min(0),
  use_kl_in_reward: z.boolean(),
  n_gpus_per_node: positiveInt,
  nnodes: positiveInt,
  /** LoRA adapters instead of full fine-tuning (absent / null = full) */
  lora: verlLoraSchema.nullable().optional(),
  repro: reproBlockSchema,
}).strict();
export type VerlRunSettings = z.infer<typeof verlRunSettingsSchema>;

export const DEFAULT_REPRO_BLOCK: ReproBlock = {
  process_reward_coef: DEFAULT_GRPO_CONFIG.process_reward_coef,
  process_weight_w: DEFAULT_W,
  entropy_top_k: DEFAULT_TOP_K,
  score_eps: DEFAULT_EPS,
  advantage_eps: DEFAULT_GRPO_CONFIG.advantage_eps,
  segment_delimiter: null,
  segment_delimiter_is_regex: false,
  probe: '\nThe final answer is ',
  cot_end: ['</think>'],
  estimator: 'grpo',
  process_reward_norm: DEFAULT_GRPO_CONFIG.process_reward_norm,
};

/** The tab's GRPO defaults, at cluster scale where the toy's limits make no sense. */
export function defaultVerlSettings(model: string): VerlRunSettings {
  const g = DEFAULT_GRPO_CONFIG;
  return {
    model, model_params_b: null, estimator: 'grpo',
    num_generations: g.num_generations, learning_rate: 1e-6, beta: g.beta, epsilon: g.epsilon,
    max_prompt_length: 1024, max_completion_length: 8192, temperature: g.temperature,
    per_device_train_batch_size: 128, num_iterations: g.num_iterations, max_grad_norm: g.max_grad_norm,
    weight_decay: g.weight_decay, seed: g.seed, total_steps: 500,
    // verl's PPO recipe defaults (algorithm.gamma / lam = 1, critic lr 1e-5, cliprange_value 0.5).
    gamma: 1, lam: 1, critic_lr: 1e-5, cliprange_value: 0.5, kl_coef: 0.001, use_kl_in_reward: false,
    n_gpus_per_node: 8, nnodes: 1,
    repro: { ...DEFAULT_REPRO_BLOCK },
  };
}

/** Parses untrusted settings; throws a RangeError naming every bad field. */
export function parseVerlSettings(x: unknown): VerlRunSettings {
  const r = verlRunSettingsSchema.safeParse(x);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `${i.path.join('.') || '(settings)'}: ${i.message}`);
    throw new RangeError(`invalid verl export settings:\n  ${lines.join('\n  ')}`);
  }
  if (r.data.repro.estimator !== r.data.estimator) {
    throw new RangeError(`repro.estimator (${r.data.repro.estimator}) must equal estimator (${r.data.estimator})`);
  }
  if (r.data.repro.segment_delimiter_is_regex && r.data.repro.segment_delimiter === null) {
    throw new RangeError('repro.segment_delimiter_is_regex needs a segment_delimiter (a RegExp source)');
  }
  return r.data;
}

/** Parameters in billions from a model id like "Qwen/Qwen2.5-1.5B-Instruct" or "…-7b-…"; null if absent. */
export function paramsFromModelId(id: string): number | null {
  const m = /(?:^|[^0-9.])(\d+(?:\.\d+)?)\s*[bB](?![a-zA-Z])/.exec(id);
  return m ? Number(m[1]) : null;
}

/** GPUs (80 GB) a verl GRPO run of this size is planned for (docs/scale-out.md explains the sizing). */
export function expectedGpus(paramsB: number | null): { gpus: number; why: string } {
  if (paramsB === null) return { gpus: 8, why: 'model size unknown: one 8-GPU node assumed' };
  if (paramsB <= 2) return { gpus: 4, why: `${paramsB} B parameters: FSDP states ≈ ${(16 * paramsB).toFixed(0)} GB + vLLM fit 4 × 80 GB (8 halves the step time)` };
  if (paramsB <= 8) return { gpus: 8, why: `${paramsB} B parameters: FSDP states ≈ ${(16 * paramsB).toFixed(0)} GB + vLLM need one 8 × 80 GB node` };
  if (paramsB <= 16) return { gpus: 16, why: `${paramsB} B parameters: two 8 × 80 GB nodes` };
  return { gpus: 32, why: `${paramsB} B parameters: four or more 8 × 80 GB nodes (consider Megatron)` };
}
