// The training screen's per-run summary: before (step 1 rollouts) → now (last-5-step mean), and
// tokens after certainty from the first and latest held-out evaluation; hand-computed values.
import { describe, expect, it } from 'vitest';
import { summarizeRun } from '../../../src/ui/training/runSummary.ts';
import type { EvalMetrics, StepMetrics } from '../../../src/rl/metrics.ts';

const step = (s: number, accuracy: number, cotTokens: number, backtracking: number): StepMetrics => ({
  step: s, reward: accuracy, accuracy, responseTokens: cotTokens + 5, cotTokens, backtracking, processReward: null, kl: 0, clipFrac: 0,
  entropy: 1, loss: 0, gradNorm: 1, skipped: false, timings: { sampling: 0, scoring: 0, forwardBackward: 0, optimizer: 0 },
});
const ev = (s: number, t: number): EvalMetrics => ({ step: s, accuracy: 0.9, cotTokens: 16, backtracking: 0, tokensAfterCertainty: t, n: 32 });

describe('run summary card numbers', () => {
  it('before = step 1, now = mean of the last 5 steps', () => {
    const ms = [step(1, 0.5, 40, 1), step(2, 0.6, 38, 0.9), step(3, 0.7, 30, 0.5), step(4, 0.8, 28, 0.4), step(5, 0.9, 26, 0.3), step(6, 1, 24, 0.2), step(7, 0.5, 22, 0.1)];
    const s = summarizeRun(ms, [ev(5, 3), ev(10, 1.5)]);
    expect(s.step).toBe(7);
    expect(s.window).toBe(5);
    expect(s.accuracy.before).toBe(0.5);
    expect(s.accuracy.now).toBeCloseTo((0.7 + 0.8 + 0.9 + 1 + 0.5) / 5, 12);
    expect(s.cotTokens.now).toBeCloseTo((30 + 28 + 26 + 24 + 22) / 5, 12);
    expect(s.backtracking.before).toBe(1);
    expect(s.tokensAfterCertainty).toEqual({ before: 3, now: 1.5, fromStep: 5, toStep: 10 });
  });
  it('nothing yet: nulls, not zeros', () => {
    const s = summarizeRun([], []);
    expect(s.accuracy).toEqual({ before: null, now: null });
    expect(s.tokensAfterCertainty.before).toBeNull();
    const one = summarizeRun([step(1, 0.5, 40, 1)], [ev(5, 3)]);
    expect(one.accuracy).toEqual({ before: 0.5, now: null });
    expect(one.tokensAfterCertainty.now).toBeNull();
  });
});
