// The dashboard's EMA smoothing against hand-computed TensorBoard values, gaps and log safety.
import { expect, test } from 'vitest';
import { emaSmooth, logSafe, withSmoothed } from '../../../src/ui/dashboard/smoothing.ts';

test('debiased EMA: w = 0.5 on [2, 4, 8]', () => {
  // acc: 1, 2.5, 5.25; debias by 1 − 0.5^n: 0.5, 0.75, 0.875 → 2, 3.3333…, 6
  const s = emaSmooth([2, 4, 8], 0.5);
  expect(s[0]).toBeCloseTo(2, 12);
  expect(s[1]).toBeCloseTo(10 / 3, 12);
  expect(s[2]).toBeCloseTo(6, 12);
});

test('w = 0 is the identity; gaps stay gaps and do not advance the average; w outside [0, 1) is refused', () => {
  expect(emaSmooth([1, null, 3], 0)).toEqual([1, null, 3]);
  const s = emaSmooth([2, null, 4], 0.5);
  expect(s[1]).toBeNull();
  expect(s[2]).toBeCloseTo(10 / 3, 12); // as if the gap were not there
  expect(() => emaSmooth([1], 1)).toThrow(RangeError);
  expect(() => emaSmooth([1], -0.1)).toThrow(RangeError);
});

test('log scale: non-positive values become gaps before smoothing', () => {
  expect(logSafe([0, -1, 2, null])).toEqual([null, null, 2, null]);
  const rows = withSmoothed([{ step: 1, a: 0 }, { step: 2, a: 4 }], ['a'], 0.5, true);
  expect(rows).toEqual([{ step: 1, a: null, 'a:smooth': null }, { step: 2, a: 4, 'a:smooth': 4 }]);
});

import { heldOutNote, STEP_CHARTS } from '../../../src/ui/dashboard/trainingCharts.ts';

test('held-out note: when the first evaluation comes, or why there is none', () => {
  expect(heldOutNote([{ evalEvery: 10, steps: 100, evals: 0 }, { evalEvery: 10, steps: 100, evals: 0 }])).toBe('Held-out accuracy (dashed): first evaluation after step 10, then every 10 steps.');
  expect(heldOutNote([{ evalEvery: 0, steps: 100, evals: 0 }])).toBe('No held-out evaluation (eval_every = 0).');
  expect(heldOutNote([{ evalEvery: 50, steps: 40, evals: 0 }])).toBe('No held-out evaluation within these runs (every 50 steps, runs of 40).');
  expect(heldOutNote([{ evalEvery: 10, steps: 100, evals: 2 }])).toBe('Dashed: held-out accuracy (greedy, fixed problem set).');
  expect(heldOutNote([])).toBeNull();
});

test('clip fraction is drawn on 0–1; S(M) only for runs with a process reward', () => {
  expect(STEP_CHARTS.find((c) => c.id === 'clip-frac')!.domain).toEqual([0, 1]);
  expect(STEP_CHARTS.find((c) => c.id === 'process-reward')!.processOnly).toBe(true);
});

import { configRows } from '../../../src/ui/dashboard/configDiff.ts';

test('config diff: the union of keys, values per run, and which differ', () => {
  const rows = configRows([{ lr: 1e-4, alpha: 0, steps: 40 }, { lr: 1e-4, alpha: 0.1, steps: 40, beta: [1, 2] }]);
  expect(rows).toEqual([
    { key: 'lr', values: ['0.0001', '0.0001'], differs: false },
    { key: 'alpha', values: ['0', '0.1'], differs: true },
    { key: 'steps', values: ['40', '40'], differs: false },
    { key: 'beta', values: ['—', '[1,2]'], differs: true },
  ]);
});
