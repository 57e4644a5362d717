// The training screen's run setup as plain data (issue #23 §1): which model (the toy GPT-2, the
// bundled Llama toy reasoner, a hub id, a picked folder), its LoRA settings by PEFT's names and the
// GPU budget, and the task (the toy addition problems, or an uploaded prompt set with a held-out
// split the user chooses) — and how they become a RunSpec's model, task and prompt items. Pure:
// runs in Node (test/unit/store/runSetup.test.ts).
import { LORA_TARGETS, type LoraTarget } from '../engine/lora/loraConfig.ts';
import { PromptSetTask } from '../rl/task/promptSetTask.ts';
import { DEFAULT_TOY_TASK, type HeldOutPick } from '../rl/task/settings.ts';
import type { TaskItem } from '../rl/task/types.ts';
import type { RunModel, RunSpec } from '../worker/trainingApi.ts';

export type ModelChoice =
  | { kind: 'toy' }
  | { kind: 'bundled'; name: 'toy-llama-verbose' }
  | { kind: 'hub'; id: string }
  | { kind: 'files'; files: File[]; name: string };

/** Offered in the hub id field (any owner/name of a Llama, Qwen2 or Qwen3 repository works). */
export const HUB_SUGGESTIONS = ['HuggingFaceTB/SmolLM2-135M-Instruct', 'HuggingFaceTB/SmolLM2-360M-Instruct', 'Qwen/Qwen2.5-0.5B-Instruct', 'Qwen/Qwen3-0.6B'] as const;

export const BUNDLED_LLAMA: ModelChoice = { kind: 'bundled', name: 'toy-llama-verbose' };

/** LoRA by PEFT's names, and the GPU budget in GiB (null: the assumed default). */
export interface LoraForm {
  r: number;
  lora_alpha: number;
  target_modules: LoraTarget[];
  budgetGiB: number | null;
}

/** r 8, α 16 (s = 2) on the attention projections: small adapters that move the policy within a few steps. */
export const DEFAULT_LORA_FORM: Readonly<LoraForm> = Object.freeze({ r: 8, lora_alpha: 16, target_modules: ['q_proj', 'k_proj', 'v_proj', 'o_proj'] as LoraTarget[], budgetGiB: null });

/** The target checkboxes' short names, in PEFT's module order. */
export const TARGET_SHORT: Record<LoraTarget, string> = { q_proj: 'q', k_proj: 'k', v_proj: 'v', o_proj: 'o', gate_proj: 'gate', up_proj: 'up', down_proj: 'down' };
export { LORA_TARGETS };

/** A parsed prompt set (the batch screen's parser): its name and usable items. */
export interface PromptSetFile {
  name: string;
  items: TaskItem[];
}

export type TaskChoice =
  | { kind: 'toy' }
  | {
    kind: 'prompt-set';
    set: PromptSetFile;
    /** 'random' / 'last': heldoutFraction of the set; 'separate': the items of `heldOutSet` */
    heldout: HeldOutPick;
    heldoutFraction: number;
    heldOutSet: PromptSetFile | null;
    /** appended to every question after a blank line ('' = none) */
    instruction: string;
  };

export const DEFAULT_HELDOUT_FRACTION = 0.2;

/** Items held out of `n` for a fraction: at least one when the set has two or more, always leaving one to train on. */
export function heldOutCount(n: number, fraction: number): number {
  if (n < 2 || !(fraction > 0)) return 0;
  return Math.min(n - 1, Math.max(1, Math.round(n * fraction)));
}

export function isEngineChoice(m: ModelChoice): m is Exclude<ModelChoice, { kind: 'toy' }> {
  return m.kind !== 'toy';
}

/** The model as run labels name it. */
export function modelName(m: ModelChoice): string {
  if (m.kind === 'toy') return 'toy GPT-2';
  if (m.kind === 'bundled') return 'toy Llama reasoner';
  return m.kind === 'hub' ? m.id : `${m.name} (folder)`;
}

/** The RunSpec model of a choice (LoRA on an engine model; the toy trains full weights). */
export function runModelOf(m: ModelChoice, lora: LoraForm): RunModel {
  if (m.kind === 'toy') return { kind: 'toy' };
  const source = m.kind === 'hub' ? { kind: 'hub' as const, id: m.id.trim() } : m.kind === 'bundled' ? { kind: 'bundled' as const, name: m.name } : { kind: 'files' as const, files: m.files, name: m.name };
  return {
    kind: 'engine', source,
    lora: { r: lora.r, lora_alpha: lora.lora_alpha, target_modules: LORA_TARGETS.filter((t) => lora.target_modules.includes(t)), lora_dropout: 0 },
    ...(lora.budgetGiB === null ? {} : { budgetBytes: Math.round(lora.budgetGiB * 2 ** 30) }),
  };
}

/** The RunSpec task and prompt items of a choice; throws naming what is wrong (setupProblem says it first). */
export function taskOf(t: TaskChoice, splitSeed: number): Pick<RunSpec, 'task' | 'promptSet'> {
  if (t.kind === 'toy') return { task: { ...DEFAULT_TOY_TASK } };
  const separate = t.heldout === 'separate';
  const task = new PromptSetTask(t.set.items, {
    name: t.set.name, heldout: t.heldout, splitSeed, instruction: t.instruction,
    heldoutSize: separate ? undefined : heldOutCount(t.set.items.length, t.heldoutFraction),
    heldOutItems: separate ? t.heldOutSet?.items ?? [] : undefined,
  });
  return { task: task.settings, promptSet: { items: t.set.items, ...(separate ? { heldOutItems: t.heldOutSet!.items } : {}) } };
}

/** Why Start cannot build the runs yet (null: it can); the memory pre-flight comes after. */
export function setupProblem(m: ModelChoice, lora: LoraForm, t: TaskChoice): string | null {
  if (m.kind === 'toy' && t.kind !== 'toy') return 'The toy GPT-2 reads only the toy addition task: pick a Llama-family model (hub id or folder) to train on a prompt set.';
  if (m.kind === 'hub' && !/^[\w.-]+\/[\w.-]+$/.test(m.id.trim())) return `The hub id must look like "owner/name" (got "${m.id}").`;
  if (m.kind === 'files' && m.files.length === 0) return 'The picked folder holds no files.';
  if (isEngineChoice(m)) {
    if (!Number.isInteger(lora.r) || lora.r < 1) return `LoRA r must be a positive integer (got ${lora.r}).`;
    if (!(lora.lora_alpha > 0)) return `lora_alpha must be positive (got ${lora.lora_alpha}).`;
    if (lora.target_modules.length === 0) return 'Pick at least one LoRA target module.';
    if (lora.budgetGiB !== null && !(lora.budgetGiB > 0)) return `The GPU budget must be positive (got ${lora.budgetGiB} GiB).`;
  }
  if (t.kind === 'prompt-set') {
    if (t.set.items.length === 0) return `The prompt set ${t.set.name} has no usable items.`;
    if (t.heldout === 'separate') {
      if (!t.heldOutSet) return 'Pick the held-out file (or hold out a fraction of the set instead).';
      if (t.heldOutSet.items.length === 0) return `The held-out file ${t.heldOutSet.name} has no usable items.`;
    } else if (t.set.items.length < 2) {
      return `The prompt set ${t.set.name} has ${t.set.items.length} item: a held-out split needs two or more (or pick a separate held-out file).`;
    } else if (!(t.heldoutFraction > 0 && t.heldoutFraction < 1)) {
      return `The held-out fraction must be between 0 and 1 (got ${t.heldoutFraction}).`;
    }
  }
  return null;
}

/** A stable key of the specs a pre-flight answers (picked files by name, size and date; prompt items by the task's fingerprint). */
export function preflightKey(specs: readonly RunSpec[]): string {
  return JSON.stringify(specs.map(({ runId: _r, label: _l, comparisonId: _c, promptSet: _p, ...rest }) => rest), (_, v: unknown) => (typeof File !== 'undefined' && v instanceof File ? `${v.name}/${v.size}/${v.lastModified}` : v));
}
