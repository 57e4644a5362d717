import { describe, expect, it } from 'vitest';
import { filteredTrajectory, processRewards, processScore, selectTopKByEntropy } from '../../../src/repro/index.ts';

describe('selectTopKByEntropy (repro-method.md §7)', () => {
  const H = [0.5, 2, 1, 2, 0.1];
  it('keeps the largest entropies, ascending by position, ties → earlier segment', () => {
    expect(selectTopKByEntropy(H, 2)).toEqual([1, 3]); // the two 2's
    expect(selectTopKByEntropy(H, 1)).toEqual([1]); // tie between 1 and 3 → 1
    expect(selectTopKByEntropy(H, 3)).toEqual([1, 2, 3]);
    expect(selectTopKByEntropy([1, 1, 1, 1], 2)).toEqual([0, 1]);
    expect(selectTopKByEntropy(new Float64Array([0.3, 0.9, 0.2]), 2)).toEqual([0, 1]);
  });
  it('topK ≥ K keeps every segment; no segments → []', () => {
    expect(selectTopKByEntropy(H, 5)).toEqual([0, 1, 2, 3, 4]);
    expect(selectTopKByEntropy(H, 100)).toEqual([0, 1, 2, 3, 4]);
    expect(selectTopKByEntropy([], 8)).toEqual([]);
  });
  it('rejects a bad topK and bad entropies', () => {
    for (const k of [0, -1, 1.5, NaN, Infinity]) {
      expect(() => selectTopKByEntropy(H, k)).toThrow(/topK must be a positive integer/);
    }
    expect(() => selectTopKByEntropy([1, NaN], 1)).toThrow(/firstTokenEntropy\[1\] must be finite/);
    expect(() => selectTopKByEntropy([1, -0.5], 1)).toThrow(/firstTokenEntropy\[1\] = -0.5/);
    expect(selectTopKByEntropy([1, -1e-9], 1)).toEqual([0]); // float noise tolerated
  });
});

describe('filteredTrajectory (repro-method.md §7)', () => {
  const J = [-5, -4, -3, -2, -1]; // K = 4
  it('takes J_0 then J at the end of each kept segment', () => {
    // 0-based segments 1 and 3 end at boundaries 2 and 4.
    expect(filteredTrajectory(J, [1, 3])).toEqual([-5, -3, -1]);
    expect(filteredTrajectory(J, [])).toEqual([-5]);
    expect(filteredTrajectory(J, [0, 1, 2, 3])).toEqual(J);
  });
  it('Σ r_j = S(M) holds on the filtered trajectory too', () => {
    const full = [-3, -2.5, -2.6, -1, -1, -0.2];
    const Jf = filteredTrajectory(full, selectTopKByEntropy([0.1, 3, 0.2, 2, 1], 3)); // segments 1, 3, 4
    expect(Jf).toEqual([-3, -2.6, -1, -0.2]);
    const r = processRewards(Jf);
    expect(r.reduce((a, b) => a + b, 0)).toBeCloseTo(processScore(Jf)[3], 14);
  });
  it('rejects out-of-range or unsorted segment indices', () => {
    expect(() => filteredTrajectory(J, [4])).toThrow(/keptSegments\[0\] = 4 .*\[0, 4\)/);
    expect(() => filteredTrajectory(J, [2, 2])).toThrow(/keptSegments\[1\] = 2 must be greater/);
    expect(() => filteredTrajectory(J, [-1])).toThrow(/keptSegments\[0\]/);
    expect(() => filteredTrajectory([-1, NaN], [0])).toThrow(/J\[1\] must be finite/);
  });
});
