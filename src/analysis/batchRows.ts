// One table row per batch result (the §10 metrics, S(K), J_0, J_K), the CSV columns, and the
// aggregates the batch charts draw. Pure: runs in Node.
import { overthinkingMetrics } from '../repro/index.ts';
import type { Trajectory } from '../repro/types.ts';
import { representabilityNote, type Representability } from '../llm/representability.ts';
import type { GenerationStop } from './generationOutcome.ts';

/** One batch item as the worker returns it (worker/api.ts re-exports this). */
export interface BatchItemResult {
  id: string;
  line: number;
  question: string;
  answer: string;
  /** Did the model's own answer match the ground truth (null when the CoT was given, not generated). */
  correct: boolean | null;
  modelAnswer: string;
  generated: boolean;
  trajectory: Trajectory | null;
  error: string | null;
  ms: number;
  /** Why generation stopped, for generated CoTs. */
  stopped?: GenerationStop;
  /** Unknown tokens / past the context: the row's numbers are flagged (absent in runs saved before). */
  representability?: Representability | null;
  /** The CoT of a row that was not scored (it has no trajectory to carry it), for the inspector. */
  cot?: string;
}

export interface BatchRow {
  index: number;
  id: string;
  line: number;
  question: string;
  answer: string;
  modelAnswer: string;
  correct: boolean | null;
  error: string | null;
  cotTokens: number | null;
  segments: number | null;
  backtracking: number | null;
  tokensAfterCertainty: number | null;
  plateaus: number | null;
  finalScore: number | null;
  J0: number | null;
  JK: number | null;
  ms: number;
  /** Why the model cannot represent this row ('' when it can; llm/representability.ts). */
  flag: string;
  /** What became of the row (see RowScoring). */
  scoring: RowScoring;
}

/**
 * scored: numbers as usual. not-scored: the model cannot represent the input, so it was not scored
 * (the inspector's rule; no numbers). scored-anyway: not representable, scored because the run asked
 * for it — every number is flagged where it is shown. error: the item failed.
 */
export type RowScoring = 'scored' | 'not-scored' | 'scored-anyway' | 'error';

/** How exports and the table's notes state a row's scoring, in words. */
export const SCORING_TEXT: Record<RowScoring, string> = {
  scored: 'scored',
  'not-scored': 'not scored: the model cannot represent this input',
  'scored-anyway': 'scored anyway: the model cannot represent this input, numbers not meaningful',
  error: 'error',
};

export const CSV_COLUMNS: (keyof BatchRow)[] = [
  'id', 'line', 'question', 'answer', 'modelAnswer', 'correct', 'cotTokens', 'segments', 'backtracking',
  'tokensAfterCertainty', 'plateaus', 'finalScore', 'J0', 'JK', 'ms', 'error', 'flag', 'scoring',
];

/** The row's numeric columns: those a scored-anyway row marks ⚠ wherever they are shown. */
export const NUMBER_COLUMNS = ['cotTokens', 'segments', 'backtracking', 'tokensAfterCertainty', 'plateaus', 'finalScore', 'J0', 'JK'] as const satisfies readonly (keyof BatchRow)[];

/** The scoring of one result: its representability and whether it has a trajectory decide. */
export function scoringOf(r: Pick<BatchItemResult, 'trajectory' | 'error' | 'representability'>): RowScoring {
  const unrepresentable = r.representability !== null && r.representability !== undefined && !r.representability.ok;
  if (r.trajectory) return unrepresentable ? 'scored-anyway' : 'scored';
  if (unrepresentable && r.error === null) return 'not-scored';
  return 'error';
}

export function rowOf(index: number, r: BatchItemResult, opts: { w: number; eps: number; markers: readonly string[] }): BatchRow {
  const base = {
    index, id: r.id, line: r.line, question: r.question, answer: r.answer, modelAnswer: r.modelAnswer, correct: r.correct, ms: r.ms,
    flag: representabilityNote(r.representability),
    scoring: scoringOf(r),
  };
  const empty = { cotTokens: null, segments: null, backtracking: null, tokensAfterCertainty: null, plateaus: null, finalScore: null, J0: null, JK: null };
  if (base.scoring === 'not-scored') return { ...base, ...empty, error: null };
  if (!r.trajectory) return { ...base, ...empty, error: r.error ?? 'no trajectory' };
  try {
    const m = overthinkingMetrics(r.trajectory, opts); // repro-method.md §10
    return {
      ...base,
      error: r.error,
      cotTokens: m.cotTokens,
      segments: m.segments,
      backtracking: m.backtracking,
      tokensAfterCertainty: m.tokensAfterCertainty,
      plateaus: m.plateaus,
      finalScore: m.finalScore,
      J0: m.J0,
      JK: m.JK,
    };
  } catch (e) {
    return { ...base, ...empty, scoring: 'error', error: `metrics failed: ${(e as Error).message}` };
  }
}

export type SortKey = keyof BatchRow;

/** Stable sort; nulls last in either direction. */
export function sortRows(rows: BatchRow[], key: SortKey, dir: 'asc' | 'desc'): BatchRow[] {
  const sign = dir === 'asc' ? 1 : -1;
  return rows
    .map((r, i) => ({ r, i }))
    .sort((x, y) => {
      const a = x.r[key];
      const b = y.r[key];
      if (a === null || a === undefined) return b === null || b === undefined ? x.i - y.i : 1;
      if (b === null || b === undefined) return -1;
      const c = typeof a === 'string' || typeof b === 'string' ? String(a).localeCompare(String(b)) : Number(a) - Number(b);
      return c !== 0 ? sign * c : x.i - y.i;
    })
    .map((x) => x.r);
}

/** Case-insensitive substring over question, answer, model answer, id and error. */
export function filterRows(rows: BatchRow[], query: string, show: 'all' | 'correct' | 'wrong' | 'errors' | 'flagged'): BatchRow[] {
  const q = query.trim().toLowerCase();
  return rows.filter((r) => {
    if (show === 'correct' && r.correct !== true) return false;
    if (show === 'wrong' && r.correct !== false) return false;
    if (show === 'errors' && r.error === null) return false;
    if (show === 'flagged' && r.flag === '') return false;
    if (q === '') return true;
    return [r.question, r.answer, r.modelAnswer, r.id, r.error ?? ''].some((s) => s.toLowerCase().includes(q));
  });
}

/** Histogram with integer-aligned bins: { x: bin start, count }. */
export function histogram(values: number[], maxBins = 20): { x: number; label: string; count: number }[] {
  if (values.length === 0) return [];
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const width = Math.max(1, Math.ceil((hi - lo + 1) / maxBins));
  const bins = Math.floor((hi - lo) / width) + 1;
  const counts = new Array(bins).fill(0);
  for (const v of values) counts[Math.floor((v - lo) / width)]++;
  return counts.map((count, b) => {
    const x = lo + b * width;
    return { x, label: width === 1 ? String(x) : `${x}–${x + width - 1}`, count };
  });
}

/**
 * Mean J at normalised positions p = 0, 1/n, …, 1 of each trajectory (position of boundary k is
 * k/K, linear interpolation between boundaries; K = 0 gives a flat line at J_0).
 */
export function meanJByPosition(trajectories: number[][], n = 10): { p: number; meanJ: number | null }[] {
  const out = [];
  for (let i = 0; i <= n; i++) {
    const p = i / n;
    let sum = 0;
    let count = 0;
    for (const J of trajectories) {
      if (J.length === 0) continue;
      const K = J.length - 1;
      const x = p * K;
      const k = Math.min(K, Math.floor(x));
      const frac = x - k;
      sum += k < K ? J[k] * (1 - frac) + J[k + 1] * frac : J[K];
      count++;
    }
    out.push({ p, meanJ: count ? sum / count : null });
  }
  return out;
}
