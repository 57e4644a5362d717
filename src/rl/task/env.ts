// A task read through one model's format (TaskEnv), and the toy default: the toy task on the toy
// model, which is what the trainer and the evaluation ran before the task was split from them.
import type { Problem } from '../../task/problem.ts';
import { TOY_FORMAT } from './toyFormat.ts';
import { ToyTask } from './toyTask.ts';
import type { ToyTaskSettings } from './settings.ts';
import type { ModelFormat, RlTask, TaskEnv, TaskItem } from './types.ts';

export function taskEnv<I extends TaskItem>(task: RlTask<I>, format: ModelFormat): TaskEnv<I> {
  return { task, format };
}

/** The toy task (default: 2-digit operands) on the toy model's format. */
export function toyEnv(settings: Partial<Omit<ToyTaskSettings, 'kind'>> = {}): TaskEnv<Problem> {
  return taskEnv(new ToyTask(settings), TOY_FORMAT);
}

/** The default env of the trainer and the evaluation. */
export const TOY_ENV: TaskEnv<Problem> = toyEnv();
