// How a LoRA run on an engine model is sized before anything is allocated: the longest prompt the
// run's task gives through the model's format, the training buffers (one pass holds the whole
// step: P·G sequences of prompt + completion), and the memory pre-flight's input
// (src/engine/lora/preflight.ts) from the same numbers — so what the pre-flight checks is what
// the worker then allocates. Pure: runs in Node.
import type { LlamaConfig } from '../engine/llamaConfig.ts';
import type { SafetensorsDtype } from '../engine/hf/safetensorsHeader.ts';
import type { PreflightInput } from '../engine/lora/preflight.ts';
import type { GrpoConfig } from '../rl/config.ts';
import { PromptSetTask } from '../rl/task/promptSetTask.ts';
import type { TaskEnv, TaskItem } from '../rl/task/types.ts';
import { problemFrom } from '../task/problem.ts';
import type { EngineRunModel } from './runModel.ts';
import { DEFAULT_TRAINING_BUDGET_BYTES } from './runModel.ts';

/** Train draws measured besides the held-out split and the largest operands (toy task). */
const TOY_DRAWS = 256;
/**
 * Tokens added to the toy task's measured longest prompt: a BPE tokenizer may split some digit
 * strings into more tokens than the ones measured (the toy format, one token per character, needs none).
 */
const BPE_SLACK = 8;

/** The most prompt tokens any item of the run's task takes through its model's format. */
export function maxPromptTokens(env: TaskEnv, config: GrpoConfig): number {
  const { task, format } = env;
  const len = (item: TaskItem) => format.promptIds(task.userText(item)).length;
  if (task instanceof PromptSetTask) return Math.max(...task.train.map(len), ...task.held.map(len));
  // The toy task: its largest operands, the held-out split and the first draws of this run's stream.
  return Math.max(...toyItems(env, config).map(len)) + (format.kind === 'toy' ? 0 : BPE_SLACK);
}

/** The toy task's largest operands, the first draws of this run's stream, and the held-out split when the run evaluates. */
function toyItems(env: TaskEnv, config: GrpoConfig): TaskItem[] {
  const { task } = env;
  const s = task.settings;
  if (s.kind !== 'toy-addition') throw new Error(`no prompt-length bound for task kind ${s.kind}`);
  const items: TaskItem[] = [];
  for (let d = s.min_digits; d <= s.max_digits; d++) items.push(problemFrom(10 ** d - 1, 10 ** d - 1));
  const stream = task.trainStream(config.seed);
  for (let i = 0; i < TOY_DRAWS; i++) items.push(stream.next());
  if (config.eval_every > 0) items.push(...task.heldOut(config.eval_size));
  return items;
}

/** KV rows one sample's RePro probes may add: top-k boundaries × (probe + answer tokens); 0 without the process reward. */
export function probeTokensPerSample(env: TaskEnv, config: GrpoConfig): number {
  if (config.process_reward_coef <= 0) return 0;
  const { task, format } = env;
  const items = task instanceof PromptSetTask ? [...task.train, ...task.held] : toyItems(env, config);
  let most = 0;
  for (const item of items.slice(0, 512)) {
    const promptText = format.promptText(task.userText(item));
    const t = format.probeTokens(item.answer, { promptText, promptIds: format.promptIds(task.userText(item)), cot: '', cotIds: [] });
    most = Math.max(most, t.probeIds.length + t.answerIds.length);
  }
  return config.entropy_top_k * most;
}

export interface EngineRunPlan {
  /** the LoRA model's and critic's training sizes (src/engine/lora/trainPass.ts) */
  sizes: { maxSeqLen: number; maxBatchTokens: number };
  preflight: PreflightInput;
}

/** The run's sizes and its pre-flight input on this base and adapter. */
export function engineRunPlan(
  config: LlamaConfig, weightDtype: SafetensorsDtype, model: EngineRunModel, c: GrpoConfig, env: TaskEnv,
  limits: { maxBufferSize: number; maxStorageBufferBindingSize: number },
): EngineRunPlan {
  const Tp = maxPromptTokens(env, c);
  if (Tp + 1 > config.blockSize) throw new RangeError(`the task's longest prompt takes ${Tp} tokens; the model has ${config.blockSize} positions`);
  // a rollout's row holds prompt + completion − 1 positions (src/rl/batch.ts), at most the model's
  const maxSeqLen = Math.min(config.blockSize, Tp + c.max_completion_length);
  const rows = c.per_device_train_batch_size * c.num_generations;
  const Tc = maxSeqLen - Tp;
  return {
    sizes: { maxSeqLen, maxBatchTokens: rows * maxSeqLen },
    preflight: {
      config, weightDtype,
      lora: { r: model.lora.r, targets: model.lora.target_modules },
      train: {
        promptsPerStep: c.per_device_train_batch_size, numGenerations: c.num_generations, maxPromptTokens: Tp, maxCompletionTokens: Tc,
        critic: c.adv_estimator === 'gae', probeTokensPerSample: probeTokensPerSample(env, c), sequencesPerPass: rows,
      },
      limits: { ...limits, budgetBytes: model.budgetBytes ?? DEFAULT_TRAINING_BUDGET_BYTES },
    },
  };
}
