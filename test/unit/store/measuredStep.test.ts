// The run card's measured step time: the mean of the last steps' phases, the first (compiling) step left out.
import { describe, expect, it } from 'vitest';
import { measuredStep } from '../../../src/store/measuredStep.ts';
import type { StepMetrics } from '../../../src/rl/metrics.ts';

const step = (i: number, ms: number, critic?: number) => ({ step: i, timings: { sampling: ms, scoring: 2, forwardBackward: 3, optimizer: 1, ...(critic === undefined ? {} : { critic }) } }) as unknown as StepMetrics;

describe('measured step time', () => {
  it('averages the last steps after the first', () => {
    expect(measuredStep([])).toBeNull();
    expect(measuredStep([step(1, 100)])).toMatchObject({ ms: 106, steps: 1 });
    const m = measuredStep([step(1, 1000), step(2, 10), step(3, 20, 4)])!;
    expect(m.steps).toBe(2);
    expect(m.ms).toBeCloseTo((16 + 26 + 4) / 2, 12);
    expect(m.phases).toEqual({ sampling: 15, scoring: 2, forwardBackward: 3, optimizer: 1, critic: 2 });
    expect(measuredStep([step(1, 0), ...[2, 3, 4, 5, 6, 7].map((i) => step(i, i))], 3)!.phases.sampling).toBe(6);
  });
});
