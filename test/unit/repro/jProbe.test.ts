// The one J-probe path: boundaries, the fit rule and J, against hand-computed values.
import { describe, expect, it } from 'vitest';
import { jAt, jTrajectory, planJProbe, probeFits } from '../../../src/repro/jProbe.ts';

const base = {
  promptIds: [1, 2, 3],
  cotIds: [10, 11, 12, 13, 14, 15],
  tokenSpans: [{ start: 0, end: 2 }, { start: 2, end: 2 }, { start: 2, end: 6 }],
  probeIds: [7, 8],
  answerIds: [20, 21],
};

describe('probeFits', () => {
  it('counts the fed positions: prefix + continuation − 1 (the last token is only predicted)', () => {
    expect(probeFits(5, 4, 8)).toBe(true); // 5 + 4 − 1 = 8
    expect(probeFits(6, 4, 8)).toBe(false); // 9 > 8
  });
});

describe('planJProbe', () => {
  it('builds J_0 and every segment end by default, continuation = probe + answer, scored from the answer', () => {
    const plan = planJProbe(base)!;
    expect(plan.request).toEqual({
      context: [1, 2, 3, 10, 11, 12, 13, 14, 15],
      boundaries: [3, 5, 5, 9],
      continuation: [7, 8, 20, 21],
      scoreFrom: 2,
    });
    expect(plan.segments).toEqual([0, 1, 2]);
    expect(plan.unfit).toEqual([]);
  });

  it('probes only the asked segments that fit in the block', () => {
    // blockSize 10: boundary 3 + 2 + 4 − 1 = 8 fits, 3 + 6 + 4 − 1 = 12 does not
    const plan = planJProbe({ ...base, segments: [0, 2], blockSize: 10 })!;
    expect(plan.request.boundaries).toEqual([3, 5]);
    expect(plan.segments).toEqual([0]);
    expect(plan.unfit).toEqual([2]);
  });

  it('is null when J_0 itself does not fit; rejects an empty answer and an unknown segment', () => {
    expect(planJProbe({ ...base, blockSize: 5 })).toBeNull(); // 3 + 4 − 1 = 6 > 5
    expect(planJProbe({ ...base, blockSize: 6 })).not.toBeNull();
    expect(() => planJProbe({ ...base, answerIds: [] })).toThrow(/at least one answer token/);
    expect(() => planJProbe({ ...base, segments: [3] })).toThrow(/segment 3 does not exist/);
  });
});

describe('jAt / jTrajectory', () => {
  it('is the mean answer log-prob (repro-method.md §3), errors naming the boundary', () => {
    expect(jTrajectory([[-1, -3], [-0.5, -0.25]], 'r')).toEqual([-2, -0.375]);
    expect(() => jTrajectory([[-1], [0.5]], 'rollout 4')).toThrow(/rollout 4, J at boundary 1: .*must be ≤ 0/);
    expect(() => jAt([], 'J_0')).toThrow(/J_0: answerLogProbs must hold at least one/);
  });
});
