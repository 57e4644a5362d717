import { describe, expect, it } from 'vitest';
import { overthinkingMetrics, segmentCot, tokenSpansFromOffsets } from '../../../src/repro/index.ts';
import type { Trajectory } from '../../../src/repro/index.ts';

/** A trajectory whose "tokens" are the whitespace-separated words of the CoT. */
function trajectory(cot: string, J: number[]): Trajectory {
  const segments = segmentCot(cot);
  const tokenOffsets = [...cot.matchAll(/\S+/g)].map((m) => m.index!);
  return {
    question: 'q',
    cot,
    answer: '2',
    probe: '\nThe final answer is ',
    segments,
    cotTokens: tokenOffsets.map((_, i) => 100 + i),
    tokenOffsets,
    tokenSpans: tokenSpansFromOffsets(segments, tokenOffsets),
    J,
    answerLogProbs: J.map((j) => [j]),
    tokenEntropy: tokenOffsets.map(() => 1),
    firstTokenEntropy: segments.map(() => 1),
  };
}

// 4 segments of 4 + 2 + 3 + 3 = 12 word tokens.
const cot = 'Let x be 2.\n\nWait, check.\n\nSo x=2 holds.\n\nHmm, yes 2.';

describe('overthinkingMetrics (repro-method.md §10)', () => {
  it('matches hand-computed metrics', () => {
    const J = [-2, -1, -1, -0.05, -0.045];
    const m = overthinkingMetrics(trajectory(cot, J));
    // log 0.9 = −0.1054: first J_k ≥ it is k = 3 (−0.05), i.e. after segment 3 (1-based);
    // tokens after it are those of segment 4: "Hmm," "yes" "2." = 3.
    // Gains per segment: +1, 0, +0.95, +0.005 → plateaus at 0-based segments 1 and 3.
    // τ_b over (−2, −1, −1, −0.05, −0.045): 10 pairs, 9 concordant, 1 tie → 9 / sqrt(10 · 9).
    // S(4) = 0.5 · tanh(1.955 / 2.000001) + 0.5 · 9 / sqrt(90).
    expect(m).toEqual({
      cotTokens: 12,
      segments: 4,
      backtracking: 2,
      backtrackingSegments: [1, 3],
      tokensAfterCertainty: 3,
      certaintySegment: 3,
      plateaus: 2,
      plateauSegments: [1, 3],
      finalScore: expect.closeTo(0.5 * Math.tanh(1.955 / 2.000001) + 0.5 * (9 / Math.sqrt(90)), 12),
      J0: -2,
      JK: -0.045,
      meanJGain: expect.closeTo(1.955 / 4, 12),
    });
  });

  it('a certain baseline counts every CoT token; never certain counts none', () => {
    const certain = overthinkingMetrics(trajectory(cot, [-0.01, -0.02, -0.01, -0.01, -0.005]));
    expect(certain.certaintySegment).toBe(0);
    expect(certain.tokensAfterCertainty).toBe(12);
    const never = overthinkingMetrics(trajectory(cot, [-3, -2, -1, -0.5, -0.2]));
    expect(never.certaintySegment).toBeNull();
    expect(never.tokensAfterCertainty).toBe(0);
    expect(never.plateaus).toBe(0);
  });

  it('honours custom thresholds, markers and w', () => {
    const J = [-2, -1, -1, -0.05, -0.045];
    const m = overthinkingMetrics(trajectory(cot, J), {
      certainty: Math.log(0.3), // −1.204: J_1 = −1 is already certain → tokens after segment 1: 8
      plateauNats: 0.001, // only the zero gain of segment 1
      markers: ['so'],
      w: 1,
    });
    expect(m.certaintySegment).toBe(1);
    expect(m.tokensAfterCertainty).toBe(8);
    expect(m.plateauSegments).toEqual([1]);
    expect(m.backtrackingSegments).toEqual([2]);
    expect(m.finalScore).toBeCloseTo(Math.tanh(1.955 / 2.000001), 12);
  });

  it('an empty CoT has zero segments and neutral scores', () => {
    const m = overthinkingMetrics(trajectory('', [-1.5]));
    expect(m).toMatchObject({
      cotTokens: 0, segments: 0, backtracking: 0, tokensAfterCertainty: 0, certaintySegment: null,
      plateaus: 0, finalScore: 0, J0: -1.5, JK: -1.5, meanJGain: 0,
    });
  });

  it('rejects inconsistent trajectories, naming the field', () => {
    const t = trajectory(cot, [-2, -1, -1, -0.05, -0.045]);
    expect(() => overthinkingMetrics({ ...t, J: [-2, -1] })).toThrow(/trajectory.J has 2 values but 4 segments/);
    expect(() => overthinkingMetrics({ ...t, J: [-2, -1, NaN, -0.05, -0.045] })).toThrow(
      /trajectory.J\[2\] must be finite/,
    );
    expect(() => overthinkingMetrics({ ...t, tokenSpans: t.tokenSpans.slice(1) })).toThrow(/tokenSpans has 3 entries/);
    expect(() => overthinkingMetrics({ ...t, cotTokens: t.cotTokens.slice(1) })).toThrow(/there are 11 CoT tokens/);
    expect(() => overthinkingMetrics({ ...t, segments: t.segments.slice(1) })).toThrow(/trajectory.segments\[0\]/);
    expect(() => overthinkingMetrics(t, { certainty: 0.5 })).toThrow(/opts.certainty/);
    expect(() => overthinkingMetrics(t, { plateauNats: NaN })).toThrow(/opts.plateauNats/);
    expect(() => overthinkingMetrics(t, { w: 2 })).toThrow(/opts.w/);
  });
});
