// The experiment's estimator table, shaped like the paper's (repro-method.md §11): one row per
// estimator, one column per metric, each "outcome → RePro" after training (sampled view) with the
// paired difference RePro − outcome over seeds and its 95 % t interval, and the relative change
// with its delta-method interval (./stats.ts). Each row says the α its RePro runs used. Pure.
import { ESTIMATOR_LABELS, ADV_ESTIMATORS, type AdvEstimator } from '../src/rl/config.ts';
import type { EvalSummary, ExperimentResults, ExperimentRun } from '../src/rl/report.ts';
import { mean, pairedDifference, relativeChange, type PairedDiff as Paired, type RelativeChange } from './stats.ts';

const METRICS: { key: keyof EvalSummary; label: string; digits: number }[] = [
  { key: 'accuracy', label: 'accuracy', digits: 3 },
  { key: 'cot_tokens', label: 'CoT tokens', digits: 2 },
  { key: 'backtracking', label: 'backtracking', digits: 2 },
  { key: 'tokens_after_certainty', label: 'tokens after certainty (fixed judge)', digits: 2 },
];

export const estimatorOf = (r: ExperimentRun): AdvEstimator => r.estimator ?? 'grpo';

export interface PairedDiff {
  /** seeds with both an outcome and a RePro run */
  n: number;
  outcome: number;
  repro: number;
  /** RePro − outcome, paired by seed, with its 95 % t interval (NaN bounds below two seeds) */
  diff: Paired;
  /** mean RePro / mean outcome − 1 with its 95 % delta-method interval */
  relative: RelativeChange;
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
  const a = pairs.map((p) => p[0]);
  const b = pairs.map((p) => p[1]);
  return { n: pairs.length, outcome: mean(a), repro: mean(b), diff: pairedDifference(a, b), relative: relativeChange(a, b) };
}

/** The α of an estimator's RePro runs ("0.1", "1, 3" when they differ; the config's for older runs), "(r̃)" when its token-level process rewards were group-normalised. */
function alphaOf(results: ExperimentResults, e: AdvEstimator): string {
  const runs = results.runs.filter((r) => estimatorOf(r) === e && r.method === 'repro');
  const as = runs.map((r) => r.process_reward_coef ?? results.config.grpo.repro.process_reward_coef);
  const norm = e !== 'grpo' && runs.some((r) => r.process_reward_norm === 'group') ? ' (r̃ per group)' : '';
  return [...new Set(as)].sort((x, y) => x - y).join(', ') + norm;
}

/** The markdown table; rows in grpo, gae, reinforce_plus_plus order, only estimators present. */
export function estimatorTable(results: ExperimentResults): string {
  const present = ADV_ESTIMATORS.filter((e) => results.runs.some((r) => estimatorOf(r) === e));
  const lines = [
    `| estimator | α | seeds | ${METRICS.map((m) => `${m.label}: outcome → RePro (Δ [95 % CI]; relative [95 % CI])`).join(' | ')} |`,
    `|---|---|---|${METRICS.map(() => '---').join('|')}|`,
  ];
  const s = (x: number, d: number) => `${x >= 0 ? '+' : ''}${x.toFixed(d)}`;
  for (const e of present) {
    const cells = METRICS.map((m) => {
      const p = pairedDiff(results.runs, e, m.key);
      if (p.n === 0) return '—';
      const f = (x: number) => x.toFixed(m.digits);
      const ci = Number.isNaN(p.diff.lo) ? '' : ` [${s(p.diff.lo, m.digits)}, ${s(p.diff.hi, m.digits)}]`;
      const r = p.relative;
      const rel = !Number.isFinite(r.rel) ? '' : `; ${s(100 * r.rel, 1)} %${Number.isFinite(r.lo) ? ` [${s(100 * r.lo, 1)}, ${s(100 * r.hi, 1)}]` : ''}`;
      return `${f(p.outcome)} → ${f(p.repro)} (${s(p.diff.mean, m.digits)}${ci}${rel})`;
    });
    const seeds = pairedDiff(results.runs, e, 'accuracy').n;
    lines.push(`| ${ESTIMATOR_LABELS[e]} | ${alphaOf(results, e)} | ${seeds} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n') + '\n';
}
