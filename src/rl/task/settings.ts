// The settings a task is built from (JSON: run specs, checkpoints, run files), their checks, and the
// migration of configs written before the task left the trainer: their min_digits / max_digits
// (GrpoConfig fields then) become the toy task's settings. Pure.
import { DEFAULT_BACKTRACKING_MARKERS } from '../../repro/backtracking.ts';
import { MAX_DIGITS } from '../../task/problem.ts';

/** The toy addition task (src/task/): operands of min_digits … max_digits digits. */
export interface ToyTaskSettings {
  kind: 'toy-addition';
  /** fewest / most digits per operand of the training and held-out problems (the task's difficulty) */
  min_digits: number;
  max_digits: number;
}

/**
 * How a prompt set's held-out split is chosen: 'random' = heldout_size items picked by a shuffle
 * seeded with split_seed; 'last' = its last heldout_size items; 'separate' = a second set of items.
 */
export type HeldOutPick = 'random' | 'last' | 'separate';
export const HELD_OUT_PICKS: readonly HeldOutPick[] = ['random', 'last', 'separate'];

/** Any prompt set with answers (src/data/parsePromptSet.ts formats: GSM8K, MATH, TRL, verl, chat). */
export interface PromptSetTaskSettings {
  kind: 'prompt-set';
  /** the set's name (its file), for logs and run files */
  name: string;
  /** items the set holds (training + held-out) and a fingerprint of their text: a resume refuses another set */
  size: number;
  fingerprint: string;
  heldout: HeldOutPick;
  /** items held out ('separate': the second set's length) */
  heldout_size: number;
  /** seed of the 'random' pick */
  split_seed: number;
  /** appended to every question after a blank line ('' = the question alone), e.g. "Put the final answer in \\boxed{}." */
  instruction: string;
  /** backtracking markers (repro-method.md §10); absent = the defaults */
  markers?: string[];
}

export type TaskSettings = ToyTaskSettings | PromptSetTaskSettings;
export type TaskKind = TaskSettings['kind'];

/** The bundled SFT model is trained on 2-digit problems (docs/toy-model.md); RL stays on its distribution. */
export const DEFAULT_TOY_TASK: Readonly<ToyTaskSettings> = Object.freeze({ kind: 'toy-addition', min_digits: 2, max_digits: 2 });

export function toyTaskSettings(over: Partial<Omit<ToyTaskSettings, 'kind'>> = {}): ToyTaskSettings {
  const s: ToyTaskSettings = {
    kind: 'toy-addition',
    min_digits: over.min_digits ?? DEFAULT_TOY_TASK.min_digits,
    max_digits: over.max_digits ?? DEFAULT_TOY_TASK.max_digits,
  };
  validateTaskSettings(s);
  return s;
}

const isInt = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x);

/** Throws a RangeError naming the first bad field. */
export function validateTaskSettings(s: unknown): asserts s is TaskSettings {
  if (s === null || typeof s !== 'object') throw new TypeError(`task settings must be an object (got ${JSON.stringify(s)})`);
  const o = s as Record<string, unknown>;
  if (o.kind === 'toy-addition') {
    for (const k of ['min_digits', 'max_digits'] as const) {
      if (!isInt(o[k]) || o[k] < 1 || o[k] > MAX_DIGITS) throw new RangeError(`toy task ${k} must be an integer in [1, ${MAX_DIGITS}] (got ${JSON.stringify(o[k])})`);
    }
    if ((o.max_digits as number) < (o.min_digits as number)) throw new RangeError(`toy task max_digits (${o.max_digits}) must be ≥ min_digits (${o.min_digits})`);
    return;
  }
  if (o.kind === 'prompt-set') {
    if (typeof o.name !== 'string') throw new RangeError('prompt-set task name must be a string');
    if (!isInt(o.size) || o.size < 1) throw new RangeError(`prompt-set task size must be an integer ≥ 1 (got ${JSON.stringify(o.size)})`);
    if (typeof o.fingerprint !== 'string' || o.fingerprint.length === 0) throw new RangeError('prompt-set task fingerprint must be a non-empty string');
    if (!HELD_OUT_PICKS.includes(o.heldout as HeldOutPick)) throw new RangeError(`prompt-set task heldout must be one of ${HELD_OUT_PICKS.join(' | ')} (got ${JSON.stringify(o.heldout)})`);
    if (!isInt(o.heldout_size) || o.heldout_size < 0) throw new RangeError(`prompt-set task heldout_size must be an integer ≥ 0 (got ${JSON.stringify(o.heldout_size)})`);
    if (o.heldout !== 'separate' && o.heldout_size >= o.size) {
      throw new RangeError(`prompt-set task heldout_size (${o.heldout_size}) must leave training items: the set holds ${o.size}`);
    }
    if (!isInt(o.split_seed)) throw new RangeError(`prompt-set task split_seed must be an integer (got ${JSON.stringify(o.split_seed)})`);
    if (typeof o.instruction !== 'string') throw new RangeError('prompt-set task instruction must be a string');
    if (o.markers !== undefined && !(Array.isArray(o.markers) && o.markers.every((m) => typeof m === 'string' && m.trim().length > 0))) {
      throw new RangeError('prompt-set task markers must be a list of non-empty strings');
    }
    return;
  }
  throw new RangeError(`task kind must be "toy-addition" or "prompt-set" (got ${JSON.stringify(o.kind)})`);
}

export function markersOf(s: TaskSettings): readonly string[] {
  return s.kind === 'prompt-set' && s.markers ? s.markers : DEFAULT_BACKTRACKING_MARKERS;
}

/** The digit fields configs carried before the task left the trainer. */
export interface LegacyTaskFields {
  min_digits?: unknown;
  max_digits?: unknown;
}

/**
 * A config as written before the task left the trainer (with min_digits / max_digits) split into
 * the config without them and the toy task they described; a config without them gives task null.
 * Bad digit values are refused by name (they were validated when written).
 */
export function splitLegacyTask<C extends object>(config: C & LegacyTaskFields): { config: Omit<C, 'min_digits' | 'max_digits'>; task: ToyTaskSettings | null } {
  const { min_digits, max_digits, ...rest } = config;
  if (min_digits === undefined && max_digits === undefined) return { config: rest, task: null };
  const task = { kind: 'toy-addition' as const, min_digits: min_digits ?? DEFAULT_TOY_TASK.min_digits, max_digits: max_digits ?? DEFAULT_TOY_TASK.max_digits };
  validateTaskSettings(task);
  return { config: rest, task: task as ToyTaskSettings };
}

/** Equal settings (the held-out split, the stream and the verifier are functions of them). */
export function sameTaskSettings(a: TaskSettings, b: TaskSettings): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(canonical);
  if (x !== null && typeof x === 'object') return Object.fromEntries(Object.keys(x).sort().map((k) => [k, canonical((x as Record<string, unknown>)[k])]));
  return x;
}
