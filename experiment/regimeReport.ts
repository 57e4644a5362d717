// The two-regime report of `npm run experiment` (pure: strings from numbers): per regime, each
// metric's mean ± std after training for both methods, and the seed-paired RePro − outcome
// difference with its 95 % t interval (./stats.ts), checked against the target.
import { SUMMARY_KEYS, type EvalSummary, type ExperimentResults, type ExperimentRun } from '../src/rl/report.ts';
import { TASK_REGIMES, REGIME_LABEL, type TaskRegime } from '../src/task/regime.ts';
import { mean, pairedDifference, sampleStd, type PairedDiff } from './stats.ts';
import { ADV_ESTIMATORS, ESTIMATOR_LABELS, type AdvEstimator } from '../src/rl/config.ts';
import { estimatorOf } from '../src/rl/estimatorTable.ts';

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
  /** mean RePro / mean outcome − 1 */
  relative: number;
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
      diff: pairedDifference(a, b), relative: mean(b) / mean(a) - 1,
    };
  });
}

export interface TargetCheck { accuracyNotLower: boolean; cotShorter20: boolean; backtracking50: boolean }

/** The target (sampled): CI of the accuracy difference reaches 0 or above; CoT ≥ 20 % and backtracking ≥ 50 % lower. */
export function checkTarget(c: MetricComparison[]): TargetCheck {
  const get = (k: keyof EvalSummary) => c.find((x) => x.metric === k)!;
  return {
    accuracyNotLower: get('accuracy').diff.hi >= 0,
    cotShorter20: get('cot_tokens').relative <= -0.2,
    backtracking50: get('backtracking').relative <= -0.5,
  };
}

const f = (x: number, d: number) => (Number.isNaN(x) ? '—' : x.toFixed(d));
const signed = (x: number, d: number) => (!Number.isFinite(x) ? '—' : `${x >= 0 ? '+' : ''}${x.toFixed(d)}`);

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

function regimeTablesOf(results: ExperimentResults, decodings: Decoding[], suffix: string): string {
  const out: string[] = [];
  for (const regime of TASK_REGIMES) {
    const runs = results.runs.filter((r) => regimeOf(r) === regime);
    if (runs.length === 0) continue;
    const seeds = [...new Set(runs.map((r) => r.seed))].sort((a, b) => a - b);
    const steps = [...new Set(runs.map((r) => r.steps))];
    out.push(`### ${regime} regime (${REGIME_LABEL[regime]})${suffix}: seeds ${seeds.join(', ')}, ${steps.join('/')} steps\n`);
    out.push('| decoding | metric | SFT (before) | outcome after | RePro after | RePro − outcome (paired, 95 % CI) | relative |');
    out.push('|---|---|---|---|---|---|---|');
    for (const decoding of decodings) {
      const c = compareRegime(results, regime, decoding);
      if (c[0].diff.n === 0) continue;
      for (const m of c) {
        const d = m.metric === 'accuracy' ? 3 : 2;
        out.push(`| ${decoding} | ${m.metric} | ${f(m.before.mean, d)} ± ${f(m.before.std, d)} | ${f(m.outcome.mean, d)} ± ${f(m.outcome.std, d)} | ` +
          `${f(m.repro.mean, d)} ± ${f(m.repro.std, d)} | ${signed(m.diff.mean, d)} [${signed(m.diff.lo, d)}, ${signed(m.diff.hi, d)}] (n ${m.diff.n}) | ${signed(100 * m.relative, 1)} % |`);
      }
    }
    const t = checkTarget(compareRegime(results, regime, 'sampled'));
    const yes = (b: boolean) => (b ? 'met' : 'NOT met');
    out.push(`\nTarget (sampled, RePro vs outcome-only): accuracy not lower (CI reaches 0 or above) — ${yes(t.accuracyNotLower)}; ` +
      `CoT tokens ≥ 20 % lower — ${yes(t.cotShorter20)}; backtracking ≥ 50 % lower — ${yes(t.backtracking50)}.\n`);
  }
  return out.join('\n') + '\n';
}

/** Mean train-reward curve per method, one panel per regime present. */
export function regimePlotSvg(results: ExperimentResults, width = 640, panelHeight = 260): string {
  const regimes = TASK_REGIMES.filter((g) => results.runs.some((r) => regimeOf(r) === g));
  const pad = 44;
  const height = panelHeight * Math.max(1, regimes.length);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
  ];
  regimes.forEach((regime, i) => {
    const top = i * panelHeight;
    const y = (v: number) => top + panelHeight - pad - v * (panelHeight - 2 * pad);
    const curves = (['outcome', 'repro'] as const).map((m) => {
      const runs = results.runs.filter((r) => regimeOf(r) === regime && r.method === m);
      const n = Math.min(...runs.map((r) => r.reward_curve.length));
      return { m, mean: Number.isFinite(n) ? Array.from({ length: n }, (_, k) => mean(runs.map((r) => r.reward_curve[k]))) : [] };
    });
    const steps = Math.max(2, ...curves.map((c) => c.mean.length));
    const x = (k: number) => pad + (k / (steps - 1)) * (width - 2 * pad);
    parts.push(
      `<text x="${width / 2}" y="${top + 18}" font-size="13" text-anchor="middle">${regime} regime (${REGIME_LABEL[regime]}): mean train reward over seeds</text>`,
      `<line x1="${pad}" y1="${y(0)}" x2="${width - pad}" y2="${y(0)}" stroke="#57606a"/>`,
      `<line x1="${pad}" y1="${y(0)}" x2="${pad}" y2="${y(1)}" stroke="#57606a"/>`,
      `<text x="${pad - 4}" y="${y(0) + 4}" font-size="10" text-anchor="end">0</text>`,
      `<text x="${pad - 4}" y="${y(1) + 4}" font-size="10" text-anchor="end">1</text>`,
      `<text x="${width / 2}" y="${y(0) + 16}" font-size="11" text-anchor="middle">step (1 … ${steps})</text>`,
    );
    curves.forEach((c, j) => {
      const color = c.m === 'outcome' ? '#d1631a' : '#0b62d6';
      if (c.mean.length > 0) {
        const d = c.mean.map((v, k) => `${k === 0 ? 'M' : 'L'}${x(k).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
        parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"/>`);
      }
      parts.push(`<text x="${pad + 10}" y="${top + 36 + 14 * j}" fill="${color}" font-size="12">${c.m === 'outcome' ? 'Outcome only (GRPO)' : 'RePro (GRPO + process reward)'}</text>`);
    });
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
