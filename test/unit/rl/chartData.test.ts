import { describe, expect, it } from 'vitest';
import { chartRows, etaSeconds, evalRows, formatDuration, rewardColor, stepsPerSecond } from '../../../src/ui/dashboard/chartData.ts';
import type { EvalMetrics, StepMetrics } from '../../../src/rl/metrics.ts';

const m = (step: number, reward: number, loss = 0.1): StepMetrics => ({
  step, reward, responseTokens: 10, cotTokens: 8, backtracking: 0, processReward: null,
  kl: 0, clipFrac: 0, entropy: 1, loss, gradNorm: 1, skipped: false,
  timings: { sampling: 0, scoring: 0, forwardBackward: 0, optimizer: 0 },
});

describe('training chart data', () => {
  it('merges runs by step, null where a run has no value, gaps for non-finite values', () => {
    const rows = chartRows([
      { id: 'a', metrics: [m(1, 0.5), m(2, 0.75, NaN)], evals: [] },
      { id: 'b', metrics: [m(2, 0.25)], evals: [] },
    ], (x) => x.loss);
    expect(rows).toEqual([{ step: 1, a: 0.1, b: null }, { step: 2, a: null, b: 0.1 }]);
    expect(chartRows([{ id: 'a', metrics: [m(1, 0.5)], evals: [] }], (x) => x.processReward)).toEqual([{ step: 1, a: null }]);
  });
  it('eval rows', () => {
    const e = (step: number, accuracy: number): EvalMetrics => ({ step, accuracy, cotTokens: 1, backtracking: 0, tokensAfterCertainty: 0, n: 4 });
    expect(evalRows([{ id: 'x', metrics: [], evals: [e(0, 0.5), e(10, 0.75)] }], (v) => v.accuracy))
      .toEqual([{ step: 0, x: 0.5 }, { step: 10, x: 0.75 }]);
  });
  it('speed and ETA', () => {
    expect(stepsPerSecond(12, 2, 1000, 6000)).toBe(2); // 10 steps in 5 s
    expect(stepsPerSecond(2, 2, 1000, 6000)).toBeNull();
    expect(etaSeconds(12, 20, 2)).toBe(4);
    expect(etaSeconds(12, 20, null)).toBeNull();
    expect(formatDuration(3725)).toBe('1 h 02 min');
    expect(formatDuration(185)).toBe('3 min 05 s');
    expect(formatDuration(null)).toBe('–');
  });
  it('reward colours: green gain, red loss, none unscored', () => {
    expect(rewardColor(0.25)).toBe('rgba(34, 160, 80, 0.300)');
    expect(rewardColor(-1)).toBe('rgba(210, 50, 50, 0.600)');
    expect(rewardColor(null)).toBe('transparent');
  });
});
