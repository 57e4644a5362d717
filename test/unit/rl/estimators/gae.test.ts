import { describe, expect, it } from 'vitest';
import { discountedReturns, gae } from '../../../../src/rl/estimators/gae.ts';
import { Rng } from '../../../../src/engine/rng.ts';

/** Brute force from the definition: A_t = Σ_{l ≥ 0} (γλ)^l δ_{t+l}, V_n = 0 (JS: 0 ** 0 = 1). */
function gaeBrute(r: number[], v: number[], gamma: number, lam: number): { adv: number[]; ret: number[] } {
  const n = r.length;
  const V = (t: number) => (t < n ? v[t] : 0);
  const delta = r.map((x, t) => x + gamma * V(t + 1) - V(t));
  const adv = r.map((_, t) => {
    let s = 0;
    for (let l = 0; t + l < n; l++) s += (gamma * lam) ** l * delta[t + l];
    return s;
  });
  return { adv, ret: adv.map((a, t) => a + v[t]) };
}

describe('GAE (repro-method.md §11)', () => {
  it('matches a hand-computed case', () => {
    // r = [0, 0.5, 1], V = [0.2, 0.4, 0.6], γ = 0.9, λ = 0.8 (γλ = 0.72)
    // δ2 = 1 − 0.6 = 0.4;  δ1 = 0.5 + 0.9·0.6 − 0.4 = 0.64;  δ0 = 0 + 0.9·0.4 − 0.2 = 0.16
    // A2 = 0.4;  A1 = 0.64 + 0.72·0.4 = 0.928;  A0 = 0.16 + 0.72·0.928 = 0.82816
    const { advantages, returns } = gae([0, 0.5, 1], [0.2, 0.4, 0.6], 0.9, 0.8);
    expect(advantages[2]).toBeCloseTo(0.4, 14);
    expect(advantages[1]).toBeCloseTo(0.928, 14);
    expect(advantages[0]).toBeCloseTo(0.82816, 14);
    expect(returns[0]).toBeCloseTo(1.02816, 14);
    expect(returns[2]).toBeCloseTo(1.0, 14);
  });

  it('matches the brute-force sum for γ, λ in {0, 0.5, 0.95, 1}', () => {
    const rng = new Rng(3);
    for (const n of [1, 2, 7]) {
      const r = Array.from({ length: n }, () => rng.normal());
      const v = Array.from({ length: n }, () => rng.normal());
      for (const gamma of [0, 0.5, 0.95, 1]) {
        for (const lam of [0, 0.5, 0.95, 1]) {
          const got = gae(r, v, gamma, lam);
          const ref = gaeBrute(r, v, gamma, lam);
          for (let t = 0; t < n; t++) {
            expect(got.advantages[t]).toBeCloseTo(ref.adv[t], 12);
            expect(got.returns[t]).toBeCloseTo(ref.ret[t], 12);
          }
        }
      }
    }
  });

  it('edges: λ = 0 is the one-step TD error, γ = 0 is r − V, γ = λ = 1 is the Monte-Carlo return minus V', () => {
    const r = [0.1, -0.2, 0.3, 1];
    const v = [0.5, 0.1, -0.4, 0.2];
    const td = gae(r, v, 0.9, 0);
    expect(Array.from(td.advantages)).toEqual(r.map((x, t) => x + 0.9 * (t < 3 ? v[t + 1] : 0) - v[t]));
    const g0 = gae(r, v, 0, 0.7);
    expect(Array.from(g0.advantages)).toEqual(r.map((x, t) => x - v[t]));
    const mc = gae(r, v, 1, 1);
    const G = [1.2, 1.1, 1.3, 1];
    for (let t = 0; t < 4; t++) expect(mc.advantages[t]).toBeCloseTo(G[t] - v[t], 14);
  });

  it('empty response gives empty arrays; bad γ, λ or non-finite inputs throw', () => {
    expect(gae([], [], 1, 1).advantages.length).toBe(0);
    expect(() => gae([1], [0], 1.5, 1)).toThrow(/gamma must be in \[0, 1\]/);
    expect(() => gae([1], [0], 1, -0.1)).toThrow(/lam must be in \[0, 1\]/);
    expect(() => gae([1, NaN], [0, 0], 1, 1)).toThrow(/rewards\[1\]/);
    expect(() => gae([1], [0, 0], 1, 1)).toThrow(/values has 2 entries/);
  });
});

describe('discounted return-to-go (REINFORCE++)', () => {
  it('G_t = r_t + γ G_{t+1}, hand-computed', () => {
    // r = [0, 1, 0, 2], γ = 0.5: G3 = 2, G2 = 1, G1 = 1.5, G0 = 0.75
    expect(Array.from(discountedReturns([0, 1, 0, 2], 0.5))).toEqual([0.75, 1.5, 1, 2]);
    expect(Array.from(discountedReturns([0, 1, 0, 2], 0))).toEqual([0, 1, 0, 2]);
    expect(Array.from(discountedReturns([0, 1, 0, 2], 1))).toEqual([3, 3, 2, 2]);
  });
});
