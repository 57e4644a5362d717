import { describe, expect, it } from 'vitest';
import {
  findBacktracking,
  processRewards,
  processScore,
  segmentCot,
  selectTopKByEntropy,
  stabilityScore,
  tokenSpansFromOffsets,
} from '../../../src/repro/index.ts';
import { kendallTauBBruteForce } from './kendall.ts';

describe('a 1 000-segment CoT', () => {
  it('segments, maps tokens, scores and selects consistently', () => {
    const K = 1000;
    const paragraphs = Array.from({ length: K }, (_, i) => (i % 10 === 3 ? `Wait, step ${i} again.` : `Step ${i}: x = ${i}.`));
    const cot = paragraphs.join('\n\n');
    const spans = segmentCot(cot);
    expect(spans).toHaveLength(K);
    expect(findBacktracking(cot, spans)).toHaveLength(100);

    const offsets = [...cot.matchAll(/\S+/g)].map((m) => m.index!);
    const tokenSpans = tokenSpansFromOffsets(spans, offsets);
    expect(tokenSpans[K - 1].end).toBe(offsets.length);
    expect(tokenSpans.reduce((n, s) => n + s.end - s.start, 0)).toBe(offsets.length);

    // A noisy rise with ties.
    const J = Array.from({ length: K + 1 }, (_, k) => -5 + (4.9 * k) / K + (k % 7 === 0 ? -0.3 : 0));
    J[500] = J[499];
    const stab = stabilityScore(J);
    for (const k of [1, 10, 499, 500, 1000]) {
      expect(stab[k]).toBeCloseTo(kendallTauBBruteForce(J.slice(0, k + 1), J.slice(0, k + 1).map((_, i) => i)), 12);
    }
    const S = processScore(J);
    const r = processRewards(J);
    expect(r).toHaveLength(K);
    expect(r.reduce((a, b) => a + b, 0)).toBeCloseTo(S[K], 10);

    const H = Array.from({ length: K }, (_, k) => (k * 7919) % 1000 / 100);
    const kept = selectTopKByEntropy(H, 8);
    expect(kept).toHaveLength(8);
    const threshold = Math.min(...kept.map((k) => H[k]));
    expect(H.filter((h) => h > threshold).length).toBeLessThan(8);
  });
});
