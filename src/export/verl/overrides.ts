// The Hydra/OmegaConf config of the exported run: verl's ppo_trainer (searched in the installed
// verl package) with the tab's settings mapped onto verl 0.5's keys, plus the `repro:` block the
// plugin reads. docs/scale-out.md has the same mapping as a table.
import type { ReproBlock, VerlRunSettings } from './settings.ts';
import { toYaml, type YamlValue } from './yaml.ts';

/** verl keys that hold floats (written 1.0, never 1). */
const FLOAT_KEYS = new Set([
  'lr', 'lora_alpha', 'clip_ratio', 'kl_loss_coef', 'kl_coef', 'temperature', 'grad_clip', 'weight_decay', 'gamma', 'lam',
  'cliprange_value', 'entropy_coeff', 'top_p', 'process_reward_coef', 'process_weight_w', 'score_eps', 'advantage_eps', 'gpu_memory_utilization',
]);

export const CONFIG_NAME = 'repro_verl';

const base64Utf8 = (s: string): string => btoa(Array.from(new TextEncoder().encode(s), (b) => String.fromCharCode(b)).join(''));

/**
 * The repro: block. A text holding OmegaConf's "${" (a probe such as "Answer ${x}:") goes in as
 * <key>_b64 (UTF-8, base64): the "\\${" escape survives one resolution only, and verl resolves the
 * config more than once (main_ppo's TaskRunner: to_container(resolve=True), then OmegaConf.resolve),
 * after which "${x}" reads as an interpolation and fails. python/repro_rl/settings.py decodes it.
 */
export function reproBlock(r: ReproBlock): Record<string, YamlValue> {
  const risky = (x: string) => x.includes('${');
  // in place, so the block reads in the tab's order
  return Object.fromEntries(Object.entries(r).map(([k, v]): [string, YamlValue] => {
    if ((k === 'probe' || k === 'segment_delimiter') && typeof v === 'string' && risky(v)) return [`${k}_b64`, base64Utf8(v)];
    if (k === 'cot_end' && Array.isArray(v) && v.some(risky)) return ['cot_end_b64', v.map(base64Utf8)];
    return [k, v as YamlValue];
  }));
}

export function overridesObject(s: VerlRunSettings, paths: { train: string; val: string }): Record<string, YamlValue> {
  const G = s.num_generations;
  const train_batch_size = s.per_device_train_batch_size;
  const actor: Record<string, YamlValue> = {
    optim: { lr: s.learning_rate, weight_decay: s.weight_decay },
    // One optimiser step per batch of rollouts and num_iterations passes, as the tab (μ).
    ppo_mini_batch_size: train_batch_size,
    ppo_epochs: s.num_iterations,
    ppo_micro_batch_size_per_gpu: 1,
    use_dynamic_bsz: true,
    ppo_max_token_len_per_gpu: s.max_prompt_length + s.max_completion_length,
    clip_ratio: s.epsilon,
    grad_clip: s.max_grad_norm > 0 ? s.max_grad_norm : 1e9,
    loss_agg_mode: 'token-mean',
    // repro-method.md §9: β · k3 KL to the reference in the loss (verl's low_var_kl is k3).
    use_kl_loss: s.beta > 0,
    kl_loss_coef: s.beta,
    kl_loss_type: 'low_var_kl',
    entropy_coeff: 0,
  };
  const out: Record<string, YamlValue> = {
    hydra: { searchpath: ['pkg://verl.trainer.config'] },
    defaults: ['ppo_trainer', '_self_'],
    data: {
      train_files: paths.train, val_files: paths.val, prompt_key: 'prompt',
      max_prompt_length: s.max_prompt_length, max_response_length: s.max_completion_length,
      train_batch_size, filter_overlong_prompts: true, truncation: 'error', seed: s.seed,
    },
    algorithm: {
      adv_estimator: s.estimator, gamma: s.gamma, lam: s.lam,
      use_kl_in_reward: s.use_kl_in_reward, kl_penalty: 'kl', kl_ctrl: { type: 'fixed', kl_coef: s.kl_coef },
      norm_adv_by_std_in_grpo: true,
    },
    actor_rollout_ref: {
      model: { path: s.model, use_remove_padding: true, enable_gradient_checkpointing: true },
      actor,
      rollout: {
        name: 'vllm', n: G, temperature: s.temperature, top_p: 1, top_k: -1,
        gpu_memory_utilization: 0.5, tensor_model_parallel_size: 1,
        log_prob_micro_batch_size_per_gpu: 4,
      },
      ref: { log_prob_micro_batch_size_per_gpu: 4 },
    },
    custom_reward_function: { path: 'repro_rl/verl/reward.py', name: 'compute_score' },
    trainer: {
      n_gpus_per_node: s.n_gpus_per_node, nnodes: s.nnodes, total_training_steps: s.total_steps,
      total_epochs: 1000, project_name: 'repro-playground', experiment_name: `repro-${s.estimator}-a${s.repro.process_reward_coef}`,
      logger: ['console'], save_freq: 50, test_freq: 25, val_before_train: true, critic_warmup: 0,
    },
    repro: reproBlock(s.repro),
  };
  if (s.lora) {
    // verl 0.5 (docs/advance/ppo_lora.rst): LoRA through PEFT on the FSDP actor; vLLM must load the
    // base from safetensors to take the adapter updates.
    const a = out.actor_rollout_ref as Record<string, Record<string, YamlValue>>;
    Object.assign(a.model, { lora_rank: s.lora.lora_rank, lora_alpha: s.lora.lora_alpha, target_modules: s.lora.target_modules });
    a.rollout.load_format = 'safetensors';
  }
  if (s.estimator === 'gae') {
    out.critic = {
      enable: true, optim: { lr: s.critic_lr }, model: { path: s.model, use_remove_padding: true },
      cliprange_value: s.cliprange_value, ppo_micro_batch_size_per_gpu: 1, use_dynamic_bsz: true,
      ppo_max_token_len_per_gpu: s.max_prompt_length + s.max_completion_length,
    };
  }
  return out;
}

export function overridesYaml(s: VerlRunSettings, paths: { train: string; val: string }, header: string): string {
  const body = toYaml(overridesObject(s, paths), FLOAT_KEYS).replace(/^\n/, '');
  return `${header.split('\n').map((l) => `# ${l}`.trimEnd()).join('\n')}\n${body}\n`;
}
