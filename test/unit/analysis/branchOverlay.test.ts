// Aligning a branch's J trajectory with the original's at the fork (src/analysis/branchOverlay.ts):
// x = CoT tokens before each boundary, hand-computed here.
import { describe, expect, it } from 'vitest';
import { branchSeries, forkSegment, forkTexts, jPoints } from '../../../src/analysis/branchOverlay.ts';
import type { Trajectory } from '../../../src/repro/types.ts';

function traj(cot: string, spans: [number, number][], J: number[], tokenOffsets: number[]): Trajectory {
  return {
    question: 'q', cot, answer: 'a', probe: 'p', segments: spans.map(() => ({ start: 0, end: 0 })), cotTokens: tokenOffsets.map(() => 1), tokenOffsets,
    tokenSpans: spans.map(([start, end]) => ({ start, end })), J, answerLogProbs: J.map((j) => [j]), tokenEntropy: tokenOffsets.map(() => 0), firstTokenEntropy: spans.map(() => 0),
  };
}

// 10 tokens (2 chars each) in segments [0,4) [4,7) [7,10).
const original = traj('aabbccddeeffgghhiijj', [[0, 4], [4, 7], [7, 10]], [-3, -2, -1.5, -1], Array.from({ length: 10 }, (_, i) => 2 * i));
// Forked at t = 5 (inside segment 2): its own segments [0,4) [4,6) [6,9) [9,12).
const branchT = traj('aabbccddeeXXXXyyzzwwvv', [[0, 4], [4, 6], [6, 9], [9, 12]], [-3, -2, -1.2, -0.6, -0.25], Array.from({ length: 11 }, (_, i) => 2 * i));
const b = { id: 'b', fork: { position: 5, text: 'XXXX' }, trajectory: branchT };

describe('branch overlay', () => {
  it('puts J_k at the CoT token position of boundary k', () => {
    expect(jPoints(original)).toEqual([{ x: 0, k: 0, J: -3 }, { x: 4, k: 1, J: -2 }, { x: 7, k: 2, J: -1.5 }, { x: 10, k: 3, J: -1 }]);
  });

  it('finds the fork segment, the shared boundaries and ΔJ_K', () => {
    const s = branchSeries(original, b);
    expect(s.forkX).toBe(5);
    expect(s.forkSegment).toBe(2);
    expect(s.sharedBoundaries).toBe(2); // J_0 (x 0) and J_1 (x 4) share the prefix; J_2 (x 7) does not
    expect(s.deltaFinalJ).toBeCloseTo(-0.25 - -1, 12);
    expect(s.points.map((p) => p.x)).toEqual([0, 4, 6, 9, 12]);
    // The shared boundaries line up with the original's (same x, same J here).
    expect(s.points.slice(0, 2)).toEqual(jPoints(original).slice(0, 2));
    expect(forkSegment(original, 0)).toBe(1);
    expect(forkSegment(original, 9)).toBe(3);
    expect(forkSegment(original, 10)).toBe(4); // after the last token
    expect(branchSeries(original, { ...b, fork: { position: 4 } }).sharedBoundaries).toBe(2); // a boundary at t keeps its prefix
  });

  it('shows what the fork replaced, from the fork on', () => {
    expect(forkTexts(original, b, 6)).toEqual({ at: 10, before: 'ffgghh', after: 'XXXXyy' });
    expect(forkTexts(original, { ...b, fork: { position: 10 } }, 4)).toEqual({ at: 20, before: '', after: 'vv' });
  });
});
