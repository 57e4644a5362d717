// The experiment's estimator table, shaped like the paper's (repro-method.md §11): one row per
// estimator, one column per metric, each "outcome → RePro" after training (sampled view) with the
// paired difference RePro − outcome over seeds and its 95 % confidence interval (Student t). Pure.
import { ESTIMATOR_LABELS, ADV_ESTIMATORS, type AdvEstimator } from './config.ts';
import type { EvalSummary, ExperimentResults, ExperimentRun } from './report.ts';

const METRICS: { key: keyof EvalSummary; label: string; digits: number }[] = [
  { key: 'accuracy', label: 'accuracy', digits: 3 },
  { key: 'cot_tokens', label: 'CoT tokens', digits: 2 },
  { key: 'backtracking', label: 'backtracking', digits: 2 },
  { key: 'tokens_after_certainty', label: 'tokens after certainty', digits: 2 },
];

/** t_{0.975, df} for df = 1 … 30 (two-sided 95 %); 1.96 beyond. */
const T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];
export function t975(df: number): number {
  if (!Number.isInteger(df) || df < 1) throw new RangeError(`df must be an integer ≥ 1 (got ${df})`);
  return df <= 30 ? T975[df - 1] : 1.96;
}

export const estimatorOf = (r: ExperimentRun): AdvEstimator => r.estimator ?? 'grpo';

export interface PairedDiff {
  /** seeds with both an outcome and a RePro run */
  n: number;
  outcome: number;
  repro: number;
  diff: number;
  /** half-width of the 95 % CI of the mean paired difference; NaN below two seeds */
  ci: number;
}

/** RePro − outcome after training, paired by seed, for one estimator and metric. */
export function pairedDiff(runs: ExperimentRun[], estimator: AdvEstimator, key: keyof EvalSummary): PairedDiff {
  const mine = runs.filter((r) => estimatorOf(r) === estimator);
  const pairs: [number, number][] = [];
  for (const o of mine.filter((r) => r.method === 'outcome')) {
    const p = mine.find((r) => r.method === 'repro' && r.seed === o.seed);
    const a = o.after[key];
    const b = p?.after[key];
    if (p && typeof a === 'number' && typeof b === 'number' && !Number.isNaN(a) && !Number.isNaN(b)) pairs.push([a, b]);
  }
  const n = pairs.length;
  if (n === 0) return { n, outcome: NaN, repro: NaN, diff: NaN, ci: NaN };
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const d = pairs.map(([a, b]) => b - a);
  const md = mean(d);
  const ci = n < 2 ? NaN : t975(n - 1) * Math.sqrt(d.reduce((s, x) => s + (x - md) ** 2, 0) / (n - 1)) / Math.sqrt(n);
  return { n, outcome: mean(pairs.map((p) => p[0])), repro: mean(pairs.map((p) => p[1])), diff: md, ci };
}

/** The markdown table; rows in grpo, gae, reinforce_plus_plus order, only estimators present. */
export function estimatorTable(results: ExperimentResults): string {
  const present = ADV_ESTIMATORS.filter((e) => results.runs.some((r) => estimatorOf(r) === e));
  const lines = [
    `| estimator | seeds | ${METRICS.map((m) => `${m.label}: outcome → RePro (Δ ± 95 % CI)`).join(' | ')} |`,
    `|---|---|${METRICS.map(() => '---').join('|')}|`,
  ];
  for (const e of present) {
    const cells = METRICS.map((m) => {
      const p = pairedDiff(results.runs, e, m.key);
      if (p.n === 0) return '—';
      const f = (x: number) => x.toFixed(m.digits);
      const sign = p.diff >= 0 ? '+' : '';
      return `${f(p.outcome)} → ${f(p.repro)} (${sign}${f(p.diff)}${Number.isNaN(p.ci) ? '' : ` ± ${f(p.ci)}`})`;
    });
    const seeds = pairedDiff(results.runs, e, 'accuracy').n;
    lines.push(`| ${ESTIMATOR_LABELS[e]} | ${seeds} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n') + '\n';
}
