// The topk-kernel bench's JS baseline computes the same thing as the float64 reference, so the
// speedup it reports is against a correct selection, not a shortcut.
import { expect, test } from 'vitest';
import { topKJs } from '../../../bench/suites/topKJs.ts';
import { logitsTopKCpu } from '../../../src/gpu/logitsTopKCpu.ts';

test('topKJs equals logitsTopKCpu on random, tied and special rows', () => {
  const V = 500;
  const k = 20;
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * 16 - 8;
  const rows = [
    Array.from({ length: V }, rand),
    Array.from({ length: V }, () => Math.round(rand() / 3)), // heavy ties
    Array.from({ length: V }, (_, j) => (j === 3 || j === 400 ? 1 : -Infinity)), // fewer finite than k
    new Array<number>(V).fill(-Infinity),
    Array.from({ length: V }, (_, j) => (j === 9 ? NaN : 0)),
    Array.from({ length: V }, (_, j) => (j === 9 ? Infinity : 0)),
  ];
  const x = Float32Array.from(rows.flat());
  const chosen = Int32Array.from([17, 250, 5, 0, 1, -1]);
  const js = topKJs(x, rows.length, V, k, chosen);
  const ref = logitsTopKCpu(x, rows.length, V, k, chosen);
  expect([...js.ids]).toEqual([...ref.ids]);
  expect([...js.rank]).toEqual([...ref.rank]);
  expect([...js.status]).toEqual([...ref.status]);
  for (const key of ['logProbs', 'chosenLogProb', 'logSumExp', 'entropy'] as const) {
    ref[key].forEach((v, i) => {
      if (Number.isFinite(v)) expect(js[key][i]).toBeCloseTo(v, 4);
      else expect(js[key][i]).toBe(v);
    });
  }
});
