import { describe, expect, it } from 'vitest';
import {
  combineAdvantages,
  groupNormalize,
  normalizeProcessRewards,
  outcomeAdvantages,
  processAdvantages,
} from '../../../src/rl/advantages.ts';
import { expectAllclose } from '../../util/allclose.ts';

describe('outcomeAdvantages (repro-method.md §9)', () => {
  it('one right of four: mean 0.25, sample std 0.5', () => {
    const eps = 1e-6;
    // mean = 0.25; Σ(x−mean)² = 0.5625 + 3·0.0625 = 0.75; std = sqrt(0.75 / 3) = 0.5
    expectAllclose(outcomeAdvantages([1, 0, 0, 0], eps), [0.75 / 0.500001, -0.25 / 0.500001, -0.25 / 0.500001, -0.25 / 0.500001], { rtol: 1e-12, atol: 0 });
  });
  it('two of four: ±1/sqrt(1/3)', () => {
    const s = Math.sqrt(1 / 3); // Σ(x−0.5)² = 1, /3
    expectAllclose(outcomeAdvantages([1, 0, 1, 0], 1e-6), [0.5 / (s + 1e-6), -0.5 / (s + 1e-6), 0.5 / (s + 1e-6), -0.5 / (s + 1e-6)], { rtol: 1e-12, atol: 0 });
  });
  it('zero-variance groups give exactly 0, never NaN', () => {
    expect(outcomeAdvantages([0, 0, 0, 0])).toEqual([0, 0, 0, 0]); // all wrong
    expect(outcomeAdvantages([1, 1, 1])).toEqual([0, 0, 0]); // all right
    expect(outcomeAdvantages([0.1, 0.1, 0.1])).toEqual([0, 0, 0]); // mean(0.1×3) ≠ 0.1 in floats
    expect(outcomeAdvantages([1])).toEqual([0]);
    expect(outcomeAdvantages([])).toEqual([]);
  });
  it('names the bad index', () => {
    expect(() => outcomeAdvantages([1, NaN])).toThrow(/rewards\[1\]/);
    expect(() => outcomeAdvantages([1, 0], 0)).toThrow(/eps/);
  });
});

describe('normalizeProcessRewards (§9: over all process rewards of the group)', () => {
  it('normalises across responses, keeping the ragged shape', () => {
    // flat [1, −1, 3]: mean 1, deviations 0, −2, 2, sample std sqrt(8/2) = 2
    const out = normalizeProcessRewards([[1, -1], [], [3]], 1e-9);
    expect(out.map((r) => r.length)).toEqual([2, 0, 1]);
    expectAllclose(out.flat(), [0, -2 / (2 + 1e-9), 2 / (2 + 1e-9)], { rtol: 1e-12, atol: 0 });
  });
  it('differs from per-response normalisation', () => {
    const out = normalizeProcessRewards([[1, 2], [5, 6]], 1e-9);
    // per response each pair would normalise to ±0.707; over the group the first pair is all negative
    expect(out[0][0]).toBeLessThan(0);
    expect(out[0][1]).toBeLessThan(0);
  });
  it('zero variance → 0', () => {
    expect(normalizeProcessRewards([[0.3], [0.3, 0.3]])).toEqual([[0], [0, 0]]);
    expect(normalizeProcessRewards([[], []])).toEqual([[], []]);
  });
  it('names the bad response and index', () => {
    expect(() => normalizeProcessRewards([[0], [1, Infinity]])).toThrow(/processRewards\[1\]\[1\]/);
  });
});

describe('processAdvantages (§9 return-to-go)', () => {
  it('sums the rewards of the kept segments that end at or after t', () => {
    // kept segments end (exclusive) at tokens 2, 5, 6 → last token indices 1, 4, 5
    const a = processAdvantages([0.5, -1, 2], [2, 5, 6], 8);
    expect(Array.from(a)).toEqual([1.5, 1.5, 1, 1, 1, 2, 0, 0]);
  });
  it('no kept segments → zeros', () => {
    expect(Array.from(processAdvantages([], [], 3))).toEqual([0, 0, 0]);
  });
  it('rejects unsorted or out-of-range ends, naming the index', () => {
    expect(() => processAdvantages([1, 1], [3, 3], 5)).toThrow(/segmentEnds\[1\]/);
    expect(() => processAdvantages([1], [6], 5)).toThrow(/segmentEnds\[0\]/);
    expect(() => processAdvantages([1], [1, 2], 5)).toThrow(/same length/);
  });
});

describe('combineAdvantages (§9: A = A_out + α·A_proc)', () => {
  it('adds the scaled process advantage', () => {
    expectAllclose(combineAdvantages(0.5, [1.5, 1, 0], 0.1), [0.65, 0.6, 0.5], { rtol: 1e-12, atol: 1e-15 });
  });
  it('α = 0 is exactly outcome-only', () => {
    const out = combineAdvantages(-0.577, [1e9, -3, 0.25], 0);
    expect(Array.from(out)).toEqual([-0.577, -0.577, -0.577]);
  });
  it('groupNormalize is invariant to shift and scale', () => {
    const a = groupNormalize([1, 2, 4, 7], 1e-12);
    const b = groupNormalize([10, 30, 70, 130], 1e-12);
    expectAllclose(a, b, { rtol: 1e-9, atol: 1e-12 });
  });
});
