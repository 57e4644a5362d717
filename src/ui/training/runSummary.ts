// The per-run summary card's numbers (pure): before → now for the metrics the verbose-regime
// comparison is about. Before = the rollouts of step 1 (sampled from the untouched SFT policy);
// now = the mean over the last NOW_WINDOW steps' rollouts (one step's 24–64 rollouts are noisy).
// Tokens after certainty needs J at every boundary, which only the held-out evaluation computes
// for both methods: it comes from the first and the latest held-out evaluation (greedy).
import type { EvalMetrics, StepMetrics } from '../../rl/metrics.ts';

export const NOW_WINDOW = 5;

export interface BeforeNow { before: number | null; now: number | null }

export interface RunSummary {
  /** step of the latest metrics (0 when none) */
  step: number;
  /** steps averaged into "now" */
  window: number;
  accuracy: BeforeNow;
  cotTokens: BeforeNow;
  backtracking: BeforeNow;
  /** held-out (greedy) tokens after certainty, first evaluation → latest; their steps */
  tokensAfterCertainty: BeforeNow & { fromStep: number | null; toStep: number | null };
}

const meanOf = (xs: number[]): number | null => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

export function summarizeRun(metrics: StepMetrics[], evals: EvalMetrics[]): RunSummary {
  const first = metrics.find((m) => m.step === 1) ?? null;
  const last = metrics.slice(-NOW_WINDOW);
  const pair = (k: 'accuracy' | 'cotTokens' | 'backtracking'): BeforeNow => ({
    before: first ? first[k] : null,
    now: metrics.length > 1 ? meanOf(last.map((m) => m[k])) : null,
  });
  const e0 = evals[0] ?? null;
  const eN = evals.length > 1 ? evals[evals.length - 1] : null;
  return {
    step: metrics.at(-1)?.step ?? 0,
    window: last.length,
    accuracy: pair('accuracy'),
    cotTokens: pair('cotTokens'),
    backtracking: pair('backtracking'),
    tokensAfterCertainty: { before: e0?.tokensAfterCertainty ?? null, now: eN?.tokensAfterCertainty ?? null, fromStep: e0?.step ?? null, toStep: eN?.step ?? null },
  };
}
