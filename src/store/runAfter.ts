// What a LoRA run's "look at what changed" actions need from its spec (issue #23 §3), pure: the
// model worker's source for the run's base, the adapted model's source and name, and the run's
// held-out items as question/answer pairs (toy task: its fixed held-out problems; prompt set: its
// held-out split). Runs in Node.
import type { BaseModelSourceSpec, BatchItemInput, ModelSourceSpec } from '../worker/api.ts';
import type { EngineRunModel, RunModelSource, RunSpec } from '../worker/trainingApi.ts';
import { DEFAULT_TOY_TASK, PromptSetTask, ToyTask, splitLegacyTask, type LegacyTaskFields, type TaskItem } from '../rl/task/index.ts';
import type { GrpoConfig } from '../rl/config.ts';

/** Held-out items scored before → after by default (each is a generation + a scoring per side). */
export const BEFORE_AFTER_ITEMS = 8;

/** The run's base as the model worker opens it. */
export function runBaseSpec(s: RunModelSource): BaseModelSourceSpec {
  if (s.kind === 'hub') return { kind: 'hub', id: s.id, revision: s.revision, backend: 'engine' };
  if (s.kind === 'bundled') {
    // BUNDLED_ENGINE_MODELS: one folder, the verbose regime's toy Llama (REGIME_LLAMA_MODEL_DIR)
    const known: Record<typeof s.name, BaseModelSourceSpec> = { 'toy-llama-verbose': { kind: 'bundled', regime: 'verbose', arch: 'llama', backend: 'engine' } };
    return known[s.name];
  }
  // the picked folder's files by their folder-relative paths (the worker drops the folder's own name)
  return { kind: 'local', files: s.files.map((f) => ({ path: f.webkitRelativePath || `${s.name}/${f.name}`, file: f })), backend: 'engine' };
}

/** "run <label>, step N": how the adapted model is named in the inspector and the compare view. */
export function adapterNameOf(spec: Pick<RunSpec, 'label'>, step: number): string {
  return `run ${spec.label}, step ${step}`;
}

/** The run's base with its adapter's PEFT files (exportPeft) applied. */
export function adaptedSpecOf(model: EngineRunModel, peft: Record<string, Uint8Array>, name: string): ModelSourceSpec {
  return { kind: 'adapted', base: runBaseSpec(model.source), adapter: peft, adapterName: name, backend: 'engine' };
}

/** The run's held-out items (its task's fixed split), at most n, as batch items. */
export function heldOutItemsOf(spec: Pick<RunSpec, 'task' | 'config' | 'promptSet'>, n = BEFORE_AFTER_ITEMS): BatchItemInput[] {
  const task = spec.task ?? splitLegacyTask(spec.config as GrpoConfig & LegacyTaskFields).task ?? DEFAULT_TOY_TASK;
  let items: TaskItem[];
  let text: (i: TaskItem) => string;
  if (task.kind === 'toy-addition') {
    const t = new ToyTask(task);
    items = t.heldOut(n);
    text = (i) => t.userText(i as Parameters<ToyTask['userText']>[0]);
  } else {
    if (!spec.promptSet) throw new RangeError(`the run's prompt set "${task.name}" is not stored with it: its held-out items are unknown`);
    const t = PromptSetTask.fromSettings(spec.promptSet.items, task, spec.promptSet.heldOutItems);
    items = t.heldOut(n);
    text = (i) => t.userText(i);
    if (items.length === 0) throw new RangeError(`the run's prompt set "${task.name}" holds no held-out items (held-out size 0): nothing to score before → after`);
  }
  return items.map((it, i) => ({ id: `heldout-${i}`, line: i + 1, question: text(it), answer: it.answer }));
}
