// The overthinking metrics of one held-out set batch-scored under two models (a base and base +
// adapter), before → after: the batch screen's per-row numbers (./batchRows.ts, repro-method.md §10)
// averaged per side. Rows scored although the model cannot represent them, errors and rows that
// were not scored stay out of the means (counted beside them). Pure: runs in Node.
import type { BatchRow } from './batchRows.ts';

export interface SideAggregate {
  /** rows in the side */
  n: number;
  /** rows whose numbers enter the means (scoring 'scored') */
  scored: number;
  /** rows left out: errors, not scored, scored anyway (numbers not meaningful) */
  leftOut: number;
  /** correct / rows with a generated answer; null when none was generated */
  accuracy: number | null;
  cotTokens: number | null;
  backtracking: number | null;
  tokensAfterCertainty: number | null;
  plateaus: number | null;
  /** S(K), the final process score */
  finalScore: number | null;
  /** J_K − J_0: how much the CoT raised the log-probability of the answer (§10's J gain) */
  jGain: number | null;
}

export const BEFORE_AFTER_METRICS = [
  { key: 'accuracy', label: 'Accuracy', digits: 3, better: 'up' },
  { key: 'cotTokens', label: 'CoT tokens', digits: 1, better: 'down' },
  { key: 'backtracking', label: 'Backtracking', digits: 2, better: 'down' },
  { key: 'tokensAfterCertainty', label: 'Tokens after certainty', digits: 1, better: 'down' },
  { key: 'plateaus', label: 'Plateaus', digits: 2, better: 'down' },
  { key: 'finalScore', label: 'S(K)', digits: 3, better: 'up' },
  { key: 'jGain', label: 'J gain (J_K − J_0)', digits: 3, better: 'up' },
] as const satisfies readonly { key: keyof SideAggregate; label: string; digits: number; better: 'up' | 'down' }[];

export type BeforeAfterKey = (typeof BEFORE_AFTER_METRICS)[number]['key'];

const mean = (xs: number[]): number | null => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length);

export function aggregateRows(rows: readonly BatchRow[]): SideAggregate {
  const ok = rows.filter((r) => r.scoring === 'scored');
  const pick = (f: (r: BatchRow) => number | null) => mean(ok.map(f).filter((x): x is number => x !== null && Number.isFinite(x)));
  const answered = rows.filter((r) => r.correct !== null && r.scoring !== 'error');
  return {
    n: rows.length,
    scored: ok.length,
    leftOut: rows.length - ok.length,
    accuracy: answered.length === 0 ? null : answered.filter((r) => r.correct === true).length / answered.length,
    cotTokens: pick((r) => r.cotTokens),
    backtracking: pick((r) => r.backtracking),
    tokensAfterCertainty: pick((r) => r.tokensAfterCertainty),
    plateaus: pick((r) => r.plateaus),
    finalScore: pick((r) => r.finalScore),
    jGain: pick((r) => (r.J0 === null || r.JK === null ? null : r.JK - r.J0)),
  };
}

export interface BeforeAfterRow {
  key: BeforeAfterKey;
  label: string;
  digits: number;
  before: number | null;
  after: number | null;
  /** after − before (null when either is missing) */
  delta: number | null;
  /** the change goes the way RePro aims for (shorter CoTs, less backtracking, higher accuracy) */
  improved: boolean | null;
}

/** One row per metric, before → after. */
export function beforeAfterTable(before: SideAggregate, after: SideAggregate): BeforeAfterRow[] {
  return BEFORE_AFTER_METRICS.map(({ key, label, digits, better }) => {
    const b = before[key];
    const a = after[key];
    const delta = b === null || a === null ? null : a - b;
    return { key, label, digits, before: b, after: a, delta, improved: delta === null || delta === 0 ? null : better === 'up' ? delta > 0 : delta < 0 };
  });
}
