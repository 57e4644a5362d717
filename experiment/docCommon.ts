// What the generated doc figures share (./docFigures.ts, ./estimatorRows.ts): number formats, reading
// a committed results file, and one estimator's comparison of one regime.
import type { EvalSummary, ExperimentResults } from '../src/rl/report.ts';
import type { AdvEstimator } from '../src/rl/config.ts';
import type { TaskRegime } from '../src/task/regime.ts';
import { byEstimator, checkTarget, compareRegime, NI_MARGIN, pct, regimeOf, type Decoding, type MetricComparison } from './regimeReport.ts';
import { labelJudges } from './judgeLabels.ts';
import type { PairedDiff } from './stats.ts';

export type Read = (path: string) => string | null;

/** signed, with a true minus: "+0.019", "−0.015" */
export const s = (x: number, d: number): string => (!Number.isFinite(x) ? '—' : `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(d)}`);
export const f = (x: number, d: number): string => (!Number.isFinite(x) ? '—' : x.toFixed(d));
/** "+0.019 [−0.015, +0.053]" */
export const diffCi = (p: PairedDiff, d: number): string => `${s(p.mean, d)}${Number.isFinite(p.lo) ? ` [${s(p.lo, d)}, ${s(p.hi, d)}]` : ''}`;
export const rel = (m: MetricComparison): string => pct(m.relative).replace(/-/g, '−');

/**
 * Fewer paired seeds than this and an interval does not count for a margin: two equal differences
 * give a zero-width t interval (PPO's accuracy, −1/128 on both seeds, read [−0.008, −0.008]).
 */
export const MIN_SEEDS_FOR_INTERVAL = 3;

/** The paper's margins of one comparison, as in the GRPO sweep table: "✓ (✓) ✗" for non-inferior, −20 % CoT, −50 % backtracking. */
export function marginMarks(c: Comparison): string {
  const t = c.target;
  const enough = c.seeds.length >= MIN_SEEDS_FOR_INTERVAL;
  const mark = (point: boolean, ci: boolean) => (ci && enough ? '✓' : point ? '(✓)' : '✗');
  return `${mark(c.sampled('accuracy').diff.mean >= -NI_MARGIN, t.accuracyNonInferior)} ${mark(t.cotShorter20, t.cotShorter20Ci)} ${mark(t.backtracking50, t.backtracking50Ci)}`;
}
export const MARKS_NOTE = `✓ met by the whole 95 % interval (from ${MIN_SEEDS_FOR_INTERVAL} seeds or more), (✓) by the point estimate only (non-inferior: the mean difference ≥ −${NI_MARGIN}), ✗ not met.`;

export function load(read: Read, path: string): ExperimentResults {
  const text = read(path);
  if (text === null) throw new Error(`docFigures: ${path} is missing`);
  return labelJudges(JSON.parse(text) as ExperimentResults);
}

export function json<T>(read: Read, path: string): T {
  const text = read(path);
  if (text === null) throw new Error(`docFigures: ${path} is missing`);
  return JSON.parse(text) as T;
}

export type Comparison = ReturnType<typeof comparisonOf>;

/** One estimator's runs of one regime, compared (sampled and greedy). */
export function comparisonOf(r: ExperimentResults, regime: TaskRegime, est: AdvEstimator = 'grpo') {
  const mine = byEstimator({ ...r, runs: r.runs.filter((x) => regimeOf(x) === regime) }, est);
  const get = (d: Decoding) => {
    const c = compareRegime(mine, regime, d);
    return (k: keyof EvalSummary) => c.find((m) => m.metric === k)!;
  };
  const repro = mine.runs.filter((x) => x.method === 'repro');
  // runs written before the per-run α take their regime's config (a combined file's top-level config is the last regime's)
  const cfg = (r.regime_configs?.[regime] ?? r.config).grpo.repro;
  return {
    runs: mine, sampled: get('sampled'), greedy: get('greedy'), target: checkTarget(compareRegime(mine, regime, 'sampled')),
    seeds: [...new Set(repro.map((x) => x.seed))].sort((a, b) => a - b),
    steps: [...new Set(repro.map((x) => x.steps))].join('/'),
    alpha: [...new Set(repro.map((x) => x.process_reward_coef ?? cfg.process_reward_coef))].join(', '),
  };
}

