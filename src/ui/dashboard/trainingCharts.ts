// The training dashboard's charts, one entry each: add a metric here (an estimator's value loss, a
// regime's own figure) and it gets a chart, smoothing, log scale, downloads and its definition.
import type { StepMetrics } from '../../rl/metrics.ts';
import type { MetricId } from './metricDefs.ts';
import type { GrpoConfig } from '../../rl/config.ts';

export interface TrainingChartSpec {
  id: string;
  title: string;
  def: MetricId;
  /** the run's value at a step (its config: what a step holds, e.g. P·G rollouts for tokens/s) */
  value: (m: StepMetrics, c: GrpoConfig) => number | null;
  /** fixed y range on a linear axis */
  domain?: [number, number];
  /** measured only by runs with a process reward (α > 0): others are left out, not drawn empty */
  processOnly?: boolean;
  /**
   * Why a run with this config draws a flat zero by construction (null: it measures something).
   * Such runs are left out of the chart and the reason is shown on it, not a line that looks broken.
   */
  flatWhy?: (c: GrpoConfig) => string | null;
}

/** repro-method.md §9: the KL term exists only with β > 0 (the default is 0). */
export function klFlatWhy(c: GrpoConfig): string | null {
  return c.beta > 0 ? null : 'β = 0 (the method\'s default, Method §9): no reference policy is kept, so the KL to it is not computed and would read 0.';
}

/** One policy update per batch: π_old = π, every ratio is exactly 1, nothing is clipped. */
export function clipFlatWhy(c: GrpoConfig): string | null {
  return c.num_iterations > 1 ? null : 'One policy update per batch of rollouts (μ = num_iterations = 1): the ratio π/π_old is exactly 1, so nothing is clipped and it would read 0.';
}

/** A step's wall time from its phases (sampling, scoring, forward/backward, optimizer, critic). */
export function stepSeconds(m: StepMetrics): number {
  const t = m.timings;
  return (t.sampling + t.scoring + t.forwardBackward + t.optimizer + (t.critic ?? 0)) / 1000;
}

export const STEP_CHARTS: TrainingChartSpec[] = [
  { title: 'Response tokens', id: 'response-tokens', def: 'responseTokens', value: (m) => m.responseTokens },
  { title: 'CoT tokens', id: 'cot-tokens', def: 'cotTokens', value: (m) => m.cotTokens },
  { title: 'Backtracking segments per response', id: 'backtracking', def: 'backtracking', value: (m) => m.backtracking },
  { title: 'Process reward S(M)', id: 'process-reward', def: 'processReward', value: (m) => m.processReward, processOnly: true },
  { title: 'KL to reference', id: 'kl', def: 'kl', value: (m) => m.kl, flatWhy: klFlatWhy },
  { title: 'Clip fraction', id: 'clip-frac', def: 'clipFrac', value: (m) => m.clipFrac, domain: [0, 1], flatWhy: clipFlatWhy },
  { title: 'Entropy (nats)', id: 'entropy', def: 'entropy', value: (m) => m.entropy },
  { title: 'Step time (s)', id: 'step-time', def: 'stepTime', value: (m) => stepSeconds(m) },
  { title: 'Throughput (generated tokens/s)', id: 'tokens-per-s', def: 'tokensPerS', value: (m, c) => { const s = stepSeconds(m); return s > 0 ? (c.per_device_train_batch_size * c.num_generations * m.responseTokens) / s : null; } },
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

/**
 * The runs a chart draws, and what it says about the others: every shown run flat by construction
 * → nothing drawn and the reason instead; some → those left out, named in a note.
 */
export function flatRuns<R extends { config: GrpoConfig; label: string }>(spec: Pick<TrainingChartSpec, 'flatWhy'>, runs: R[]): { drawn: R[]; empty: string | null; note: string | null } {
  if (!spec.flatWhy) return { drawn: runs, empty: null, note: null };
  const why = runs.map((r) => spec.flatWhy!(r.config));
  const drawn = runs.filter((_, i) => why[i] === null);
  const flat = why.filter((w): w is string => w !== null);
  if (flat.length === 0) return { drawn, empty: null, note: null };
  const reasons = [...new Set(flat)].join(' ');
  if (drawn.length === 0) return { drawn, empty: `Flat by design in ${runs.length === 1 ? 'this run' : 'these runs'}, so not drawn: ${reasons}`, note: null };
  return { drawn, empty: null, note: `Left out (flat by design): ${runs.filter((_, i) => why[i] !== null).map((r) => r.label).join(', ')}. ${reasons}` };
}
