// The experiment's report: results.json shape, a markdown table (mean ± std over seeds, before
// and after) and an SVG plot. Pure: no DOM (the SVG is a string built from numbers only).
import type { AdvEstimator, GrpoConfig } from './config.ts';
import type { TaskRegime } from '../task/regime.ts';

export interface EvalSummary {
  accuracy: number;
  cot_tokens: number;
  backtracking: number;
  tokens_after_certainty: number;
  /** mean CoT tokens of the correct responses only (NaN when none): length that is not an error */
  cot_tokens_correct?: number;
}

export interface ExperimentRun {
  /** which SFT checkpoint the run started from (src/task/regime.ts); runs recorded before regimes existed are 'mixed' */
  regime?: TaskRegime;
  method: 'outcome' | 'repro';
  /** the RL estimator (repro-method.md §11); runs without it are GRPO */
  estimator?: AdvEstimator;
  seed: number;
  steps: number;
  /** sampled at the training temperature, eval_samples responses per held-out problem */
  before: EvalSummary;
  after: EvalSummary;
  /** greedy decoding, one response per held-out problem */
  greedy?: { before: EvalSummary; after: EvalSummary };
  /** mean train reward per step (for the plot) */
  reward_curve: number[];
}

export interface ExperimentConfig {
  grpo: Record<'outcome' | 'repro', GrpoConfig>; eval_problems: number; eval_samples?: number; adapter: string; full: boolean;
  /** the SFT checkpoint the runs start from */
  checkpoint?: string;
}

export interface ExperimentResults {
  /** the configuration of the last regime written (older readers); each regime's own in regime_configs */
  config: ExperimentConfig;
  /** one file holds both regimes' runs; each regime's configuration */
  regime_configs?: Partial<Record<TaskRegime, ExperimentConfig>>;
  runs: ExperimentRun[];
}

export const SUMMARY_KEYS: (keyof EvalSummary)[] = ['accuracy', 'cot_tokens', 'backtracking', 'tokens_after_certainty', 'cot_tokens_correct'];

/** Mean and sample standard deviation (0 for fewer than two values). */
export function meanStd(xs: number[]): { mean: number; std: number } {
  if (xs.length === 0) return { mean: NaN, std: NaN };
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  if (xs.length < 2) return { mean, std: 0 };
  const ss = xs.reduce((a, x) => a + (x - mean) ** 2, 0);
  return { mean, std: Math.sqrt(ss / (xs.length - 1)) };
}

/** Mean ± std of the values that exist ('—' when none does: a metric an older run did not record). */
function cell(xs: number[], digits: number): string {
  const { mean, std } = meanStd(xs.filter((x) => !Number.isNaN(x)));
  if (Number.isNaN(mean)) return '—';
  return `${mean.toFixed(digits)} ± ${std.toFixed(digits)}`;
}

/**
 * One row per (decoding, method, before/after), one column per metric, mean ± std over seeds;
 * greedy rows only when the runs carry them.
 */
export function markdownTable(results: ExperimentResults): string {
  const lines = [
    `| decoding | method | when | seeds | ${SUMMARY_KEYS.join(' | ')} |`,
    `|---|---|---|---|${SUMMARY_KEYS.map(() => '---').join('|')}|`,
  ];
  const views: [string, (r: ExperimentRun) => { before: EvalSummary; after: EvalSummary } | undefined][] = [
    ['sampled', (r) => r],
    ['greedy', (r) => r.greedy],
  ];
  for (const [decoding, pick] of views) {
    for (const method of ['outcome', 'repro'] as const) {
      const runs = results.runs.filter((r) => r.method === method && pick(r) !== undefined);
      if (runs.length === 0) continue;
      for (const when of ['before', 'after'] as const) {
        const cells = SUMMARY_KEYS.map((k) => cell(runs.map((r) => pick(r)![when][k] ?? NaN), k === 'accuracy' ? 3 : 2));
        lines.push(`| ${decoding} | ${method} | ${when} | ${runs.length} | ${cells.join(' | ')} |`);
      }
    }
  }
  return lines.join('\n') + '\n';
}

/**
 * RePro after training relative to outcome-only after training (sampled view), as the issue's
 * criteria read it: accuracy difference, and relative change of CoT tokens and backtracking.
 */
export function reproVsOutcome(results: ExperimentResults): { accuracy_diff: number; cot_tokens_change: number; backtracking_change: number } {
  const after = (m: 'outcome' | 'repro', k: keyof EvalSummary) => meanStd(results.runs.filter((r) => r.method === m).map((r) => r.after[k] ?? NaN)).mean;
  const rel = (k: keyof EvalSummary) => after('repro', k) / after('outcome', k) - 1;
  return {
    accuracy_diff: after('repro', 'accuracy') - after('outcome', 'accuracy'),
    cot_tokens_change: rel('cot_tokens'),
    backtracking_change: rel('backtracking'),
  };
}

/** Mean train-reward curve per method (over seeds), as a small SVG line plot. */
export function rewardPlotSvg(results: ExperimentResults, width = 640, height = 320): string {
  const pad = 40;
  const methods = [['outcome', '#d1631a'], ['repro', '#0b62d6']] as const;
  const curves = methods.map(([m, color]) => {
    const runs = results.runs.filter((r) => r.method === m);
    const n = Math.min(...runs.map((r) => r.reward_curve.length), Infinity);
    const mean = Number.isFinite(n) ? Array.from({ length: n }, (_, i) => meanStd(runs.map((r) => r.reward_curve[i])).mean) : [];
    return { m, color, mean };
  });
  const steps = Math.max(1, ...curves.map((c) => c.mean.length));
  const x = (i: number) => pad + (i / Math.max(1, steps - 1)) * (width - 2 * pad);
  const y = (v: number) => height - pad - v * (height - 2 * pad);
  const paths = curves.filter((c) => c.mean.length > 0).map((c) => {
    const d = c.mean.map((v, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    return `<path d="${d}" fill="none" stroke="${c.color}" stroke-width="2"/>`;
  });
  const legend = curves.map((c, i) =>
    `<text x="${pad + 10}" y="${pad + 16 * i}" fill="${c.color}" font-size="12">${c.m === 'outcome' ? 'Outcome only (GRPO)' : 'RePro (GRPO + process reward)'}</text>`);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<line x1="${pad}" y1="${height - pad}" x2="${width - pad}" y2="${height - pad}" stroke="#57606a"/>`,
    `<line x1="${pad}" y1="${pad}" x2="${pad}" y2="${height - pad}" stroke="#57606a"/>`,
    `<text x="${width / 2}" y="${height - 8}" font-size="12" text-anchor="middle">step (1 … ${steps})</text>`,
    `<text x="12" y="${height / 2}" font-size="12" transform="rotate(-90 12 ${height / 2})" text-anchor="middle">mean train reward</text>`,
    `<text x="${pad - 4}" y="${y(0) + 4}" font-size="10" text-anchor="end">0</text>`,
    `<text x="${pad - 4}" y="${y(1) + 4}" font-size="10" text-anchor="end">1</text>`,
    ...paths,
    ...legend,
    '</svg>',
  ].join('\n') + '\n';
}
