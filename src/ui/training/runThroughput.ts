// A run's throughput from its step metrics: the step time and its breakdown (sampling, RePro
// scoring, forward + backward, optimizer, critic), and generated tokens per second — the mean of
// the last few steps, the first step (shader compilation, first uploads) left out once there are
// others. Pure.
import type { StepMetrics } from '../../rl/metrics.ts';

export const THROUGHPUT_WINDOW = 5;

export interface Throughput {
  /** steps averaged */
  steps: number;
  /** mean ms per step and per phase */
  stepMs: number;
  phases: { sampling: number; scoring: number; forwardBackward: number; optimizer: number; critic: number };
  /** completion tokens generated per second of step time (P·G rollouts × mean response tokens) */
  tokensPerS: number;
}

const stepMs = (m: StepMetrics) => m.timings.sampling + m.timings.scoring + m.timings.forwardBackward + m.timings.optimizer + (m.timings.critic ?? 0);

/** null before the first step. `rollouts`: P·G, the completions one step samples. */
export function throughputOf(metrics: readonly StepMetrics[], rollouts: number): Throughput | null {
  if (metrics.length === 0) return null;
  const usable = metrics.length > 1 ? metrics.filter((m) => m.step > 1) : metrics;
  const w = usable.slice(-THROUGHPUT_WINDOW);
  const mean = (f: (m: StepMetrics) => number) => w.reduce((s, m) => s + f(m), 0) / w.length;
  const ms = mean(stepMs);
  return {
    steps: w.length,
    stepMs: ms,
    phases: {
      sampling: mean((m) => m.timings.sampling), scoring: mean((m) => m.timings.scoring), forwardBackward: mean((m) => m.timings.forwardBackward),
      optimizer: mean((m) => m.timings.optimizer), critic: mean((m) => m.timings.critic ?? 0),
    },
    tokensPerS: ms > 0 ? (rollouts * mean((m) => m.responseTokens)) / (ms / 1000) : 0,
  };
}
