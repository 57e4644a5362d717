import { describe, expect, it } from 'vitest';
import { explainedVariance, whitenBatch } from '../../../../src/rl/estimators/whiten.ts';

describe('batch whitening (repro-method.md §11, verl masked_whiten)', () => {
  it('whitens over every token of every response with the Bessel-corrected variance', () => {
    const rows = [[1, 2], [3], [4, 5, 6]];
    const flat = [1, 2, 3, 4, 5, 6];
    const mean = 3.5;
    const varB = flat.reduce((a, x) => a + (x - mean) ** 2, 0) / 5; // 3.5
    const out = whitenBatch(rows);
    expect(out.map((r) => r.length)).toEqual([2, 1, 3]);
    const got = out.flatMap((r) => Array.from(r));
    flat.forEach((x, i) => expect(got[i]).toBeCloseTo((x - mean) / Math.sqrt(varB + 1e-8), 14));
  });

  it('zero variance → 0 exactly, not NaN (all equal, one token, no tokens)', () => {
    for (const rows of [[[0.3, 0.3], [0.3]], [[7]], [[], []], []]) {
      for (const r of whitenBatch(rows)) for (const x of r) expect(Object.is(x, 0)).toBe(true);
    }
    // 0.1 + 0.2 style noise cannot leak in: equal values are caught before the mean
    const out = whitenBatch([[0.1 + 0.2, 0.1 + 0.2, 0.1 + 0.2]]);
    expect(Array.from(out[0])).toEqual([0, 0, 0]);
  });

  it('names the bad entry', () => {
    expect(() => whitenBatch([[1], [2, Infinity]], 'returns')).toThrow(/returns\[1\]\[1\]/);
  });
});

describe('explained variance (verl critic/vf_explained_var)', () => {
  it('1 for a perfect critic, 1 − var(G−V)/(var(G)+1e-5) otherwise', () => {
    const G = [[1, 0, 1], [0]];
    expect(explainedVariance(G, G)).toBeCloseTo(1, 12);
    const V = [[0, 0, 0], [0]];
    const varG = (0.25 * 2 + 0.25 * 2) / 3; // mean 0.5
    expect(explainedVariance(G, V)).toBeCloseTo(1 - varG / (varG + 1e-5), 12);
    expect(explainedVariance([[1, 1]], [[0, 0.5]])).toBeCloseTo(1 - 0.125 / 1e-5, 6); // constant returns: finite
  });
});
