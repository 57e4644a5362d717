// The tab's two sources of an export: a batch run (its prompt set and the inspector's RePro
// settings) and a training run (its RunSpec / GrpoConfig, the toy task's problems). Pure.
import type { PromptItem } from '../../data/promptItem.ts';
import type { GrpoConfig } from '../../rl/config.ts';
import { DEFAULT_TOY_TASK, splitLegacyTask, type LegacyTaskFields, type TaskSettings } from '../../rl/task/settings.ts';
import type { Settings } from '../../store/settings.ts';
import { heldOutProblems, makeProblem } from '../../task/problem.ts';
import { ANSWER_MARKER } from '../../task/format.ts';
import type { VerlPrompt } from './dataset.ts';
import { defaultVerlSettings, type Estimator, type VerlRunSettings } from './settings.ts';
import { Rng } from '../../sampling/rng.ts';

/** The PyTorch checkpoint of an onnx-community export ("onnx-community/Qwen3-0.6B-ONNX" → "Qwen/Qwen3-0.6B") when recognisable. */
export function clusterModelId(id: string): string {
  const m = /^onnx-community\/(.+?)(?:-ONNX)?$/i.exec(id);
  if (!m) return id;
  const base = m[1];
  const org = /^qwen/i.test(base) ? 'Qwen' : /^llama/i.test(base) ? 'meta-llama' : /^deepseek/i.test(base) ? 'deepseek-ai' : null;
  return org ? `${org}/${base}` : id;
}

export function batchExportSettings(s: Settings, model: { id: string; defaultProbe: string; thinking: boolean }, estimator: Estimator = 'grpo'): VerlRunSettings {
  const v = defaultVerlSettings(clusterModelId(model.id));
  v.estimator = estimator;
  v.repro = {
    ...v.repro,
    process_weight_w: s.w,
    score_eps: s.eps,
    entropy_top_k: s.topK,
    segment_delimiter: s.delimiter === '' ? null : s.delimiter,
    segment_delimiter_is_regex: s.delimiter !== '' && s.delimiterIsRegex,
    probe: s.probe ?? model.defaultProbe,
    cot_end: model.thinking ? ['</think>'] : [(s.probe ?? model.defaultProbe).trim()].filter((x) => x.length > 0),
    estimator,
  };
  v.temperature = 1;
  return v;
}

export function batchPrompts(items: PromptItem[]): VerlPrompt[] {
  return items.map((i) => ({ id: i.id, question: i.question, answer: i.answer }));
}

/**
 * A training run's GRPO config at verl's names; `model` is the cluster checkpoint to train; `lora`: a
 * LoRA run's adapter settings (PEFT names) → verl's lora_rank / lora_alpha / target_modules.
 */
export function trainingExportSettings(c: GrpoConfig, steps: number, model: string, estimator: Estimator = 'grpo', lora?: { r: number; lora_alpha: number; target_modules: readonly string[] }): VerlRunSettings {
  const v = defaultVerlSettings(model);
  if (lora) v.lora = { lora_rank: lora.r, lora_alpha: lora.lora_alpha, target_modules: [...lora.target_modules] };
  Object.assign(v, {
    estimator,
    num_generations: c.num_generations, learning_rate: c.learning_rate, beta: c.beta, epsilon: c.epsilon,
    max_completion_length: c.max_completion_length, temperature: c.temperature, per_device_train_batch_size: c.per_device_train_batch_size,
    num_iterations: c.num_iterations, max_grad_norm: c.max_grad_norm, weight_decay: c.weight_decay, seed: c.seed, total_steps: steps,
    max_prompt_length: 64,
  });
  // Issue #13's PPO / REINFORCE++ keys when the run has them (the ppo branch adds them to GrpoConfig).
  const extra = c as unknown as Partial<Record<'gamma' | 'lam' | 'critic_lr' | 'cliprange_value' | 'kl_coef', number>> & { use_kl_in_reward?: boolean };
  for (const k of ['gamma', 'lam', 'critic_lr', 'cliprange_value', 'kl_coef'] as const) if (typeof extra[k] === 'number') v[k] = extra[k]!;
  if (typeof extra.use_kl_in_reward === 'boolean') v.use_kl_in_reward = extra.use_kl_in_reward;
  v.repro = {
    ...v.repro,
    process_reward_coef: c.process_reward_coef, process_weight_w: c.process_weight_w, entropy_top_k: c.entropy_top_k,
    advantage_eps: c.advantage_eps, segment_delimiter: c.segment_delimiter, segment_delimiter_is_regex: false,
    probe: ANSWER_MARKER, cot_end: [ANSWER_MARKER], estimator,
    process_reward_norm: c.process_reward_norm ?? 'none',
  };
  return v;
}

/**
 * The toy task's problems the run trains on (train split, its digits) and held-out ones. `task` is
 * the run's (RunSpec.task); absent, a config from before the task left the trainer gives its
 * digits, else the default toy task. A prompt-set run's prompts are its set: export that set from
 * the batch screen.
 */
export function trainingPrompts(c: GrpoConfig, steps: number, task?: TaskSettings): { train: VerlPrompt[]; val: VerlPrompt[] } {
  const t = task ?? splitLegacyTask(c as GrpoConfig & LegacyTaskFields).task ?? DEFAULT_TOY_TASK;
  if (t.kind !== 'toy-addition') throw new RangeError(`this run trains on the prompt set "${t.name}": export that set from the batch screen`);
  const rng = new Rng(c.seed);
  const n = Math.min(steps * c.per_device_train_batch_size, 100_000);
  const opts = { minDigits: t.min_digits, maxDigits: t.max_digits };
  const train = Array.from({ length: n }, (_, i) => {
    const p = makeProblem(rng, opts);
    return { id: `train-${i}`, question: p.question, answer: p.answer };
  });
  const val = heldOutProblems(c.seed + 1, Math.max(1, c.eval_size), opts).map((p, i) => ({ id: `heldout-${i}`, question: p.question, answer: p.answer }));
  return { train, val };
}
