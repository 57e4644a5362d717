// The training dashboard's charts, one entry each: add a metric here (an estimator's value loss, a
// regime's own figure) and it gets a chart, smoothing, log scale, downloads and its definition.
import type { StepMetrics } from '../../rl/metrics.ts';
import type { MetricId } from './metricDefs.ts';

export interface TrainingChartSpec {
  id: string;
  title: string;
  def: MetricId;
  value: (m: StepMetrics) => number | null;
  /** fixed y range on a linear axis */
  domain?: [number, number];
  /** measured only by runs with a process reward (α > 0): others are left out, not drawn empty */
  processOnly?: boolean;
}

export const STEP_CHARTS: TrainingChartSpec[] = [
  { title: 'Response tokens', id: 'response-tokens', def: 'responseTokens', value: (m) => m.responseTokens },
  { title: 'Backtracking segments per response', id: 'backtracking', def: 'backtracking', value: (m) => m.backtracking },
  { title: 'Process reward S(M)', id: 'process-reward', def: 'processReward', value: (m) => m.processReward, processOnly: true },
  { title: 'KL to reference', id: 'kl', def: 'kl', value: (m) => m.kl },
  { title: 'Clip fraction', id: 'clip-frac', def: 'clipFrac', value: (m) => m.clipFrac, domain: [0, 1] },
  { title: 'Entropy (nats)', id: 'entropy', def: 'entropy', value: (m) => m.entropy },
  { title: 'Loss', id: 'loss', def: 'loss', value: (m) => m.loss },
  { title: 'Grad norm', id: 'grad-norm', def: 'gradNorm', value: (m) => m.gradNorm },
];

/**
 * The note under the reward chart about held-out accuracy: when the first evaluation comes (no
 * dashed legend entry without points), or that evaluation is off.
 */
export function heldOutNote(runs: { evalEvery: number; steps: number; evals: number }[]): string | null {
  if (runs.length === 0) return null;
  if (runs.every((r) => r.evals > 0)) return 'Dashed: held-out accuracy (greedy, fixed problem set).';
  const every = runs.map((r) => r.evalEvery).filter((e) => e > 0);
  if (every.length === 0) return 'No held-out evaluation (eval_every = 0).';
  const first = Math.min(...every);
  if (runs.every((r) => r.evalEvery <= 0 || r.steps < r.evalEvery)) return `No held-out evaluation within these runs (every ${first} steps, runs of ${Math.max(...runs.map((r) => r.steps))}).`;
  return `Held-out accuracy (dashed): first evaluation after step ${first}, then every ${first} steps.`;
}
