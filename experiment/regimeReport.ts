// The two-regime report of `npm run experiment` (pure: strings from numbers): per regime, each
// metric's mean ± std after training for both methods, the seed-paired RePro − outcome difference
// with its 95 % t interval and the relative change with its delta-method interval (./stats.ts),
// checked against the paper's margins (accuracy by a stated non-inferiority margin).
import { SUMMARY_KEYS, type EvalSummary, type ExperimentResults, type ExperimentRun } from '../src/rl/report.ts';
import { TASK_REGIMES, REGIME_LABEL, type TaskRegime } from '../src/task/regime.ts';
import { mean, pairedDifference, relativeChange, sampleStd, type PairedDiff, type RelativeChange } from './stats.ts';
import { ADV_ESTIMATORS, ESTIMATOR_LABELS, type AdvEstimator } from '../src/rl/config.ts';
import { estimatorOf } from './estimatorTable.ts';

export const regimeOf = (r: ExperimentRun): TaskRegime => r.regime ?? 'mixed';

export type Decoding = 'sampled' | 'greedy';
const view = (r: ExperimentRun, d: Decoding): { before: EvalSummary; after: EvalSummary } | undefined => (d === 'sampled' ? r : r.greedy);

export interface MetricComparison {
  metric: keyof EvalSummary;
  /** after training, over seeds */
  outcome: { mean: number; std: number };
  repro: { mean: number; std: number };
  /** before training (the SFT checkpoint), outcome runs' before (the same weights for both) */
  before: { mean: number; std: number };
  /** RePro − outcome, paired by seed */
  diff: PairedDiff;
  /** mean RePro / mean outcome − 1, with its delta-method interval (./stats.ts) */
  relative: RelativeChange;
}

/** Per metric, RePro vs outcome-only after training in one regime and decoding, paired by seed. */
export function compareRegime(results: ExperimentResults, regime: TaskRegime, decoding: Decoding): MetricComparison[] {
  const runs = results.runs.filter((r) => regimeOf(r) === regime && view(r, decoding));
  // Pairing is by seed: runs of two estimators would silently replace each other.
  const estimators = new Set(runs.map(estimatorOf));
  if (estimators.size > 1) throw new Error(`compareRegime: runs of several estimators (${[...estimators].join(', ')}); compare one estimator's runs (byEstimator)`);
  const bySeed = (m: 'outcome' | 'repro') => new Map(runs.filter((r) => r.method === m).map((r) => [r.seed, r]));
  const o = bySeed('outcome');
  const p = bySeed('repro');
  const seeds = [...o.keys()].filter((s) => p.has(s)).sort((a, b) => a - b);
  const ms = (xs: number[]) => ({ mean: mean(xs), std: sampleStd(xs) });
  return SUMMARY_KEYS.map((metric) => {
    const val = (r: ExperimentRun, when: 'before' | 'after') => view(r, decoding)![when][metric] ?? NaN;
    const a = seeds.map((s) => val(o.get(s)!, 'after'));
    const b = seeds.map((s) => val(p.get(s)!, 'after'));
    return {
      metric, outcome: ms(a), repro: ms(b), before: ms(seeds.map((s) => val(o.get(s)!, 'before'))),
      diff: pairedDifference(a, b), relative: relativeChange(a, b),
    };
  });
}

/**
 * The non-inferiority margin of "accuracy not lower" (absolute, on the 0–1 scale): RePro's
 * accuracy counts as not lower only when the paired 95 % interval's LOWER end is ≥ −NI_MARGIN
 * (an interval that merely reaches 0 is absence of evidence, not evidence of no loss).
 */
export const NI_MARGIN = 0.03;

export interface TargetCheck {
  /** paired 95 % CI lower bound of the accuracy difference ≥ −NI_MARGIN */
  accuracyNonInferior: boolean;
  /** relative change (point estimate) at or beyond −20 % / −50 % */
  cotShorter20: boolean;
  backtracking50: boolean;
  /** the whole 95 % interval of the relative change beyond the margin */
  cotShorter20Ci: boolean;
  backtracking50Ci: boolean;
}

/** The paper's margins (sampled view): accuracy non-inferior, CoT tokens ≥ 20 % and backtracking ≥ 50 % below outcome-only. */
export function checkTarget(c: MetricComparison[]): TargetCheck {
  const get = (k: keyof EvalSummary) => c.find((x) => x.metric === k)!;
  const cot = get('cot_tokens').relative;
  const bt = get('backtracking').relative;
  return {
    accuracyNonInferior: get('accuracy').diff.lo >= -NI_MARGIN,
    cotShorter20: cot.rel <= -0.2,
    backtracking50: bt.rel <= -0.5,
    cotShorter20Ci: cot.hi <= -0.2,
    backtracking50Ci: bt.hi <= -0.5,
  };
}

const f = (x: number, d: number) => (Number.isNaN(x) ? '—' : x.toFixed(d));
const signed = (x: number, d: number) => (!Number.isFinite(x) ? '—' : `${x >= 0 ? '+' : ''}${x.toFixed(d)}`);
/** a relative change in percent with its interval: "−17.4 % [−22.0, −12.8]" */
export const pct = (r: RelativeChange): string => (!Number.isFinite(r.rel) ? '—' : `${signed(100 * r.rel, 1)} %${Number.isFinite(r.lo) ? ` [${signed(100 * r.lo, 1)}, ${signed(100 * r.hi, 1)}]` : ''}`);

/** How a metric is named in the tables: the two tokens-after-certainty figures say whose J measured them. */
export const METRIC_LABEL: Record<keyof EvalSummary, string> = {
  accuracy: 'accuracy', cot_tokens: 'cot_tokens', backtracking: 'backtracking',
  tokens_after_certainty: 'tokens_after_certainty (fixed judge: SFT J)',
  tokens_after_certainty_self: 'tokens_after_certainty, self-judged (own J)',
  tac_covered: 'tac_covered', n: 'n', cot_tokens_correct: 'cot_tokens_correct',
};

/** The estimators present (repro-method.md §11), in ADV_ESTIMATORS order. */
export const estimatorsIn = (results: ExperimentResults): AdvEstimator[] => ADV_ESTIMATORS.filter((e) => results.runs.some((r) => estimatorOf(r) === e));

/** The runs of one estimator only. */
export const byEstimator = (results: ExperimentResults, est: AdvEstimator): ExperimentResults => ({ ...results, runs: results.runs.filter((r) => estimatorOf(r) === est) });

/** One markdown table per regime (and, when several ran, per estimator): rows = metrics, columns = before, outcome, RePro, paired difference. */
export function regimeTables(results: ExperimentResults, decodings: Decoding[] = ['sampled', 'greedy']): string {
  const ests = estimatorsIn(results);
  if (ests.length > 1) return ests.map((e) => regimeTablesOf(byEstimator(results, e), decodings, ` · ${ESTIMATOR_LABELS[e]}`)).join('\n');
  return regimeTablesOf(results, decodings, '');
}

/** "outcome 508/512, RePro 512/512": responses the fixed judge covered after training, summed over seeds. */
function coverage(results: ExperimentResults, regime: TaskRegime): string | null {
  const parts: string[] = [];
  for (const m of ['outcome', 'repro'] as const) {
    const after = results.runs.filter((r) => regimeOf(r) === regime && r.method === m).map((r) => r.after);
    if (after.length === 0 || after.some((a) => a.tac_covered === undefined || a.n === undefined)) return null;
    parts.push(`${m} ${after.reduce((s, a) => s + a.tac_covered!, 0)}/${after.reduce((s, a) => s + a.n!, 0)}`);
  }
  return parts.join(', ');
}

function regimeTablesOf(results: ExperimentResults, decodings: Decoding[], suffix: string): string {
  const out: string[] = [];
  for (const regime of TASK_REGIMES) {
    const runs = results.runs.filter((r) => regimeOf(r) === regime);
    if (runs.length === 0) continue;
    const seeds = [...new Set(runs.map((r) => r.seed))].sort((a, b) => a - b);
    const steps = [...new Set(runs.map((r) => r.steps))];
    out.push(`### ${regime} regime (${REGIME_LABEL[regime]})${suffix}: seeds ${seeds.join(', ')}, ${steps.join('/')} steps\n`);
    out.push('| decoding | metric | SFT (before) | outcome after | RePro after | RePro − outcome (paired, 95 % CI) | relative (95 % CI, delta method) |');
    out.push('|---|---|---|---|---|---|---|');
    let paired = false;
    for (const decoding of decodings) {
      const c = compareRegime(results, regime, decoding);
      if (c[0].diff.n === 0) continue;
      paired = true;
      for (const m of c) {
        if (Number.isNaN(m.outcome.mean) && Number.isNaN(m.repro.mean)) continue; // not recorded by these runs
        const d = m.metric === 'accuracy' ? 3 : 2;
        out.push(`| ${decoding} | ${METRIC_LABEL[m.metric]} | ${f(m.before.mean, d)} ± ${f(m.before.std, d)} | ${f(m.outcome.mean, d)} ± ${f(m.outcome.std, d)} | ` +
          `${f(m.repro.mean, d)} ± ${f(m.repro.std, d)} | ${signed(m.diff.mean, d)} [${signed(m.diff.lo, d)}, ${signed(m.diff.hi, d)}] (n ${m.diff.n}) | ${pct(m.relative)} |`);
      }
    }
    if (!paired) {
      out.push(`\n(no seed has both an outcome-only and a RePro run: nothing to pair)\n`);
      continue;
    }
    const cov = coverage(results, regime);
    if (cov !== null) out.push(`\nTokens after certainty: the fixed judge is the SFT checkpoint's J for every run; responses with a whole J trajectory (sampled, after): ${cov}.`);
    const c = compareRegime(results, regime, 'sampled');
    const t = checkTarget(c);
    const acc = c.find((m) => m.metric === 'accuracy')!.diff;
    const rel = (k: keyof EvalSummary) => pct(c.find((m) => m.metric === k)!.relative);
    const margin = (point: boolean, ci: boolean) => (ci ? 'met (the whole interval)' : point ? 'met by the point estimate, not by the whole interval' : 'NOT met');
    out.push(`\nTarget (sampled, RePro vs outcome-only): accuracy non-inferior (paired 95 % CI lower bound ${signed(acc.lo, 3)} ≥ −${NI_MARGIN}) — ${t.accuracyNonInferior ? 'met' : 'NOT shown'}; ` +
      `CoT tokens ≥ 20 % lower (${rel('cot_tokens')}) — ${margin(t.cotShorter20, t.cotShorter20Ci)}; backtracking ≥ 50 % lower (${rel('backtracking')}) — ${margin(t.backtracking50, t.backtracking50Ci)}.\n`);
  }
  return out.join('\n') + '\n';
}
