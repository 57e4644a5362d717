// sampleToken / rowEntropy: the one sampler's contract (temperature → top-k → top-p → one draw;
// greedy draws none).
import { describe, expect, it } from 'vitest';
import { logSumExp, rowEntropy, sampleToken } from '../../../src/sampling/sampleToken.ts';
import { Rng } from '../../../src/sampling/rng.ts';

/** A random source that returns fixed values and counts the draws. */
function fixed(...us: number[]) {
  let i = 0;
  return { uniform: () => us[i++ % us.length], get calls() { return i; } };
}

const L = [1, 2, 3, 4].map(Math.log); // softmax = [0.1, 0.2, 0.3, 0.4], ranking 3, 2, 1, 0
const S = { temperature: 1, topK: 0, topP: 1 };

describe('sampleToken', () => {
  it('walks the ranking (by logit, descending) with one uniform', () => {
    expect(sampleToken(L, S, fixed(0.05))).toBe(3); // 0.05 < 0.4
    expect(sampleToken(L, S, fixed(0.5))).toBe(2); // 0.4 ≤ 0.5 < 0.7
    expect(sampleToken(L, S, fixed(0.85))).toBe(1); // 0.7 ≤ 0.85 < 0.9
    expect(sampleToken(L, S, fixed(0.95))).toBe(0);
  });
  it('greedy returns the argmax, ties to the lowest id, and draws no random number', () => {
    const r = fixed(0.99);
    expect(sampleToken([0, 5, 5, -1], { ...S, temperature: 0 }, r)).toBe(1);
    expect(r.calls).toBe(0);
    expect(sampleToken(L, S, r)).toBe(0); // sampling draws exactly one
    expect(r.calls).toBe(1);
  });
  it('top-k renormalises over the k best', () => {
    // kept {3: 0.4, 2: 0.3} → normalised 4/7, 3/7
    expect(sampleToken(L, { ...S, topK: 2 }, fixed(0.55))).toBe(3);
    expect(sampleToken(L, { ...S, topK: 2 }, fixed(0.58))).toBe(2);
    expect(sampleToken([1, 1, 0], { ...S, topK: 1 }, fixed(0.99))).toBe(0); // tie at the cut: lower id
  });
  it('top-p keeps the shortest prefix reaching p (≥), at least one token', () => {
    expect(sampleToken(L, { ...S, topP: 0.4 }, fixed(0.99))).toBe(3);
    expect(sampleToken(L, { ...S, topP: 0.41 }, fixed(0.99))).toBe(2);
    expect(sampleToken(L, { ...S, topP: 1e-9 }, fixed(0.99))).toBe(3);
  });
  it('temperature 2 samples ∝ sqrt(p) (empirical frequencies, 40k draws)', () => {
    const rng = new Rng(9);
    const counts = [0, 0, 0, 0];
    const n = 40000;
    for (let i = 0; i < n; i++) counts[sampleToken(L, { ...S, temperature: 2 }, rng)]++;
    const w = [1, 2, 3, 4].map(Math.sqrt);
    const z = w.reduce((a, b) => a + b, 0);
    counts.forEach((c, i) => expect(Math.abs(c / n - w[i] / z)).toBeLessThan(0.01));
  });
  it('never draws a -Infinity (masked) token', () => {
    for (const u of [0, 0.3, 0.6, 0.999999]) expect(sampleToken([-Infinity, 0, -Infinity, 0], S, fixed(u))).not.toBe(0);
  });
  it('names the bad input', () => {
    expect(() => sampleToken([0, NaN], S, fixed(0.5))).toThrow(/logitsRow\[1\]/);
    expect(() => sampleToken([-Infinity], S, fixed(0.5))).toThrow(/-Infinity everywhere/);
    expect(() => sampleToken([], S, fixed(0.5))).toThrow(/empty/);
    expect(() => sampleToken(L, { ...S, topP: 0 }, fixed(0.5))).toThrow(/topP/);
    expect(() => sampleToken(L, { ...S, topK: 1.5 }, fixed(0.5))).toThrow(/topK/);
    expect(() => sampleToken(L, { ...S, temperature: -1 }, fixed(0.5))).toThrow(/temperature/);
  });
});

describe('rowEntropy / logSumExp', () => {
  it('uniform rows give log n; masked entries carry no mass', () => {
    expect(rowEntropy([3, 3, 3, 3])).toBeCloseTo(Math.log(4), 14);
    expect(rowEntropy([0, 0, 0, -Infinity])).toBeCloseTo(Math.log(3), 14);
  });
  it('stays finite for huge logits', () => {
    expect(rowEntropy([1000, 0])).toBeCloseTo(0, 12); // p = [1, e^-1000]
    expect(logSumExp([1000, 1000])).toBeCloseTo(1000 + Math.log(2), 10);
  });
  it('matches −Σ p log p on [0.1, 0.2, 0.3, 0.4]', () => {
    const p = [0.1, 0.2, 0.3, 0.4];
    expect(rowEntropy(L)).toBeCloseTo(-p.reduce((a, x) => a + x * Math.log(x), 0), 14);
  });
});
