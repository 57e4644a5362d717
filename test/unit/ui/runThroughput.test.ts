// What the training screen says about speed and memory (issue #23 §2): the step-time breakdown and
// tokens/s from the step metrics (the first step left out once there are others), the dashboard's
// step-time and tokens/s charts agreeing with it, and the runs of one Start checked together
// against the budget (they share one base on the device).
import { expect, test } from 'vitest';
import type { StepMetrics } from '../../../src/rl/metrics.ts';
import { presetConfig } from '../../../src/rl/config.ts';
import { throughputOf } from '../../../src/ui/training/runThroughput.ts';
import { STEP_CHARTS } from '../../../src/ui/dashboard/trainingCharts.ts';
import { comparisonBlocker, togetherBytes, type PreflightFits } from '../../../src/worker/preflightReport.ts';

function step(step: number, t: [number, number, number, number, number?], responseTokens: number): StepMetrics {
  return {
    step, reward: 0, responseTokens, cotTokens: 0, backtracking: 0, processReward: null, kl: 0, clipFrac: 0, entropy: 0, loss: 0, gradNorm: 0, skipped: false,
    timings: { sampling: t[0], scoring: t[1], forwardBackward: t[2], optimizer: t[3], critic: t[4] },
  };
}

test('step time by phase and tokens/s: the mean of the last steps, the first (compilation) left out', () => {
  const ms = [step(1, [9000, 9000, 9000, 9000], 10), step(2, [1000, 500, 2000, 100, 400], 20), step(3, [1400, 700, 2200, 100, 600], 30)];
  const t = throughputOf(ms, 8)!;
  expect(t.steps).toBe(2);
  expect(t.phases).toEqual({ sampling: 1200, scoring: 600, forwardBackward: 2100, optimizer: 100, critic: 500 });
  expect(t.stepMs).toBe(4500);
  // 8 rollouts × 25 mean tokens in 4.5 s
  expect(t.tokensPerS).toBeCloseTo(200 / 4.5, 10);
  expect(throughputOf(ms.slice(0, 1), 8)!.stepMs).toBe(36000);
  expect(throughputOf([], 8)).toBeNull();
  // the dashboard's charts per step: 2 × 4 rollouts of 20 tokens in 4.0 s
  const c = presetConfig('repro', { per_device_train_batch_size: 2, num_generations: 4 });
  expect(STEP_CHARTS.find((x) => x.id === 'step-time')!.value(ms[1], c)).toBe(4);
  expect(STEP_CHARTS.find((x) => x.id === 'tokens-per-s')!.value(ms[1], c)).toBe(40);
  expect(STEP_CHARTS.find((x) => x.id === 'cot-tokens')!.value({ ...ms[1], cotTokens: 7 }, c)).toBe(7);
});

test('runs of one Start: each must fit, and together (one shared base) they must fit the budget', () => {
  const run = (total: number, weights: number, budget: number): PreflightFits => ({
    ok: true, fits: total <= budget, model: 'm', weightDtype: 'BF16', arch: { family: 'llama', layers: 1, hidden: 1, vocab: 1 },
    parts: [], totalBytes: total, weightsBytes: weights, budgetBytes: budget, assumedBudget: false, largestBuffer: { name: 'x', bytes: 1 },
    limits: { maxBufferSize: 1, maxStorageBufferBindingSize: 1 }, maxPromptTokens: 1, maxSeqLen: 2,
    problems: total <= budget ? [] : ['too big.'], advice: [],
  });
  const G = 2 ** 30;
  expect(togetherBytes([run(3 * G, 2 * G, 8 * G), run(3.5 * G, 2 * G, 8 * G)])).toBe(4.5 * G);
  expect(comparisonBlocker([run(3 * G, 2 * G, 8 * G), run(3.5 * G, 2 * G, 8 * G)])).toBeNull();
  expect(comparisonBlocker([run(3 * G, 1 * G, 4 * G), run(3 * G, 1 * G, 4 * G)])).toMatch(/^The 2 runs train side by side: together they need 5\.00 GiB \(one shared base\), more than the 4\.00 GiB budget/);
  expect(comparisonBlocker([run(3 * G, 1 * G, 4 * G), run(5 * G, 1 * G, 4 * G)])).toMatch(/^This run does not fit on the GPU\. too big\./);
  expect(comparisonBlocker([{ ok: false, kind: 'model', error: 'x: 404' }])).toBe('The model cannot be opened: x: 404');
});
