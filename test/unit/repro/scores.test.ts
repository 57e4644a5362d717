import { describe, expect, it } from 'vitest';
import {
  magnitudeScore,
  objectiveJ,
  processRewards,
  processScore,
  stabilityScore,
} from '../../../src/repro/index.ts';
import { expectAllclose } from '../../util/allclose.ts';
import { kendallTauBBruteForce } from './kendall.ts';

describe('objectiveJ (repro-method.md §3)', () => {
  it('is the mean answer-token log-probability', () => {
    expect(objectiveJ([-1, -2, -3])).toBe(-2); // (−1 − 2 − 3) / 3
    expect(objectiveJ(new Float32Array([-0.5]))).toBe(-0.5);
    expect(objectiveJ([1e-7, -1e-7])).toBe(0); // float noise above 0 is tolerated
  });
  it('rejects empty, non-finite and positive input with the index', () => {
    expect(() => objectiveJ([])).toThrow(/answerLogProbs must hold at least one/);
    expect(() => objectiveJ([-1, NaN])).toThrow(/answerLogProbs\[1\] must be finite \(got NaN\)/);
    expect(() => objectiveJ([-Infinity])).toThrow(/answerLogProbs\[0\] must be finite/);
    expect(() => objectiveJ([-1, -1, 0.5])).toThrow(/answerLogProbs\[2\] = 0.5/);
    expect(() => objectiveJ([-1, '2' as unknown as number])).toThrow(TypeError);
  });
});

describe('magnitudeScore (repro-method.md §4)', () => {
  it('matches tanh((J_k − J_0)/(|J_0| + ε)) by hand', () => {
    // |J_0| + ε = 2.000001; gains 1, 1.5, −1 → tanh(0.49999975), tanh(0.74999963), tanh(−0.49999975).
    // tanh(0.5) = 0.46211715726, tanh(0.75) = 0.63514895239; the ε shift moves them by < 3e-7.
    expectAllclose(magnitudeScore([-2, -1, -0.5, -3]), [0, 0.46211715726, 0.63514895239, -0.46211715726], {
      rtol: 0,
      atol: 5e-7,
    });
    // ε = 1: (0 − (−1)) / (1 + 1) = 0.5.
    expectAllclose(magnitudeScore([-1, 0], { eps: 1 }), [0, 0.46211715726], { rtol: 0, atol: 1e-10 });
  });
  it('J_0 = 0 saturates via ε instead of dividing by zero', () => {
    expectAllclose(magnitudeScore([0, -1]), [0, -1], { rtol: 0, atol: 1e-12 }); // tanh(−1e6)
  });
  it('one point gives [0]; bad J and ε are rejected', () => {
    expect(magnitudeScore([-3])).toEqual([0]);
    expect(() => magnitudeScore([])).toThrow(/J must hold at least J_0/);
    expect(() => magnitudeScore([-1, NaN])).toThrow(/J\[1\] must be finite/);
    expect(() => magnitudeScore([-1, -Infinity])).toThrow(/J\[1\] must be finite \(got -Infinity\)/);
    expect(() => magnitudeScore([-1, 0.01])).toThrow(/J\[1\] = 0.01 .* must be ≤ 0/);
    expect(magnitudeScore([-1, 5e-7])[1]).toBeGreaterThan(0); // within the 1e-6 tolerance
    expect(() => magnitudeScore([-1], { eps: 0 })).toThrow(/opts.eps/);
    expect(() => magnitudeScore([-1], { eps: NaN })).toThrow(/opts.eps/);
  });
});

describe('stabilityScore (repro-method.md §5)', () => {
  it('is 1 for a steady rise, −1 for a steady decline, 0 for constant J', () => {
    expect(stabilityScore([-3, -2, -1])).toEqual([0, 1, 1]);
    expect(stabilityScore([-1, -2, -3])).toEqual([0, -1, -1]);
    expect(stabilityScore([-1, -1, -1, -1])).toEqual([0, 0, 0, 0]);
  });
  it('matches hand-computed τ_b with ties', () => {
    // J = (−2, −1, −1): pairs (0,1) C, (0,2) C, (1,2) tie → n0 = 3, n2 = 1 → 2 / sqrt(3·2).
    expectAllclose(stabilityScore([-2, -1, -1]), [0, 1, 2 / Math.sqrt(6)], { rtol: 0, atol: 1e-15 });
    // J = (−1, −3, −2, −1):
    // k=1: (0,1) D → −1.  k=2: + (0,2) D, (1,2) C → C=1, D=2, n0=3 → −1/3.
    // k=3: + (0,3) tie, (1,3) C, (2,3) C → C=3, D=2, n2=1, n0=6 → 1/sqrt(6·5) = 0.18257418583.
    expectAllclose(stabilityScore([-1, -3, -2, -1]), [0, -1, -1 / 3, 0.18257418583], { rtol: 0, atol: 1e-11 });
  });
  it('matches a brute-force τ_b on every prefix of random trajectories with ties', () => {
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let trial = 0; trial < 50; trial++) {
      const n = 1 + Math.floor(rand() * 25);
      // Few distinct values → many ties.
      const J = Array.from({ length: n }, () => -Math.floor(rand() * 5) / 2);
      const got = stabilityScore(J);
      const expected = J.map((_, k) => kendallTauBBruteForce(J.slice(0, k + 1), J.slice(0, k + 1).map((__, i) => i)));
      expectAllclose(got, expected, { rtol: 0, atol: 1e-12 });
    }
  });
});

describe('processScore (repro-method.md §6) and processRewards (§8)', () => {
  const J = [-2, -1, -1.5, -0.25];
  it('mixes magnitude and stability with weight w', () => {
    const magn = magnitudeScore(J);
    const stab = stabilityScore(J);
    expectAllclose(processScore(J), magn.map((m, k) => 0.5 * m + 0.5 * stab[k]), { rtol: 0, atol: 1e-15 });
    expect(processScore(J, { w: 1 })).toEqual(magn);
    expect(processScore(J, { w: 0 })).toEqual(stab);
    // By hand, w = 0.25, J = (−2, −1): 0.25 · tanh(1 / 2.000001) + 0.75 · 1.
    expectAllclose(processScore([-2, -1], { w: 0.25 }), [0, 0.25 * 0.46211715726 + 0.75], { rtol: 0, atol: 1e-7 });
  });
  it('rewards are the increments of S, and Σ r_j = S(M)', () => {
    const S = processScore(J, { w: 0.3 });
    const r = processRewards(J, { w: 0.3 });
    expect(r).toHaveLength(J.length - 1);
    expectAllclose(r, [S[1] - S[0], S[2] - S[1], S[3] - S[2]], { rtol: 0, atol: 0 });
    expect(r.reduce((a, b) => a + b, 0)).toBeCloseTo(S[S.length - 1], 14);
    // A falling J earns a negative reward (the second segment lowers J).
    expect(r[1]).toBeLessThan(0);
    expect(processRewards([-1])).toEqual([]);
  });
  it('rejects w outside [0, 1] and non-finite J', () => {
    expect(() => processScore(J, { w: 1.5 })).toThrow(/opts.w must be a number in \[0, 1\]/);
    expect(() => processScore(J, { w: -0.1 })).toThrow(/opts.w/);
    expect(() => processScore(J, { w: NaN })).toThrow(/opts.w/);
    expect(() => processRewards([-1, -2, NaN])).toThrow(/J\[2\] must be finite/);
  });
});
