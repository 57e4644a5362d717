// The measured time per training step of a run (issue #23 §4), from its step metrics: the mean over
// the last few steps of the step's phases (sampling, RePro scoring, forward/backward, optimizer,
// critic), so the card shows a settled figure and where the time goes. Pure: runs in Node.
import type { StepMetrics, StepTimings } from '../rl/metrics.ts';

export interface MeasuredStep {
  /** mean ms per step over `steps` steps */
  ms: number;
  /** mean ms per phase */
  phases: Required<StepTimings>;
  /** steps averaged (the last ones; the first step, which compiles pipelines, is left out when there are later ones) */
  steps: number;
}

export function stepTotalMs(t: StepTimings): number {
  return t.sampling + t.scoring + t.forwardBackward + t.optimizer + (t.critic ?? 0);
}

export function measuredStep(metrics: readonly StepMetrics[], window = 5): MeasuredStep | null {
  const usable = metrics.length > 1 ? metrics.slice(1) : metrics.slice();
  const last = usable.slice(-window);
  if (last.length === 0) return null;
  const mean = (f: (t: StepTimings) => number) => last.reduce((a, m) => a + f(m.timings), 0) / last.length;
  const phases = {
    sampling: mean((t) => t.sampling), scoring: mean((t) => t.scoring), forwardBackward: mean((t) => t.forwardBackward),
    optimizer: mean((t) => t.optimizer), critic: mean((t) => t.critic ?? 0),
  };
  return { ms: mean(stepTotalMs), phases, steps: last.length };
}
