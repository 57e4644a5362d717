import { describe, expect, it } from 'vitest';
import { grpoLoss, type GrpoLossInput } from '../../../src/rl/loss.ts';
import { expectAllclose } from '../../util/allclose.ts';

function base(over: Partial<GrpoLossInput>): GrpoLossInput {
  return { logp: [], oldLogp: [], advantages: [], mask: [], epsilon: 0.2, beta: 0, ...over };
}

describe('grpoLoss (repro-method.md §9)', () => {
  it('hand-computed clipped surrogate on four tokens', () => {
    // ρ = 1.5, 1.5, 0.5, 0.5 with A = 1, −1, −1, 1
    const old = [-1, -1, -1, -1];
    const logp = [-1 + Math.log(1.5), -1 + Math.log(1.5), -1 + Math.log(0.5), -1 + Math.log(0.5)];
    const out = grpoLoss(base({ logp, oldLogp: old, advantages: [1, -1, -1, 1], mask: [1, 1, 1, 1] }));
    // per token: −min(1.5, 1.2) = −1.2 (clipped); −min(−1.5, −1.2) = 1.5; −min(−0.5, −0.8) = 0.8 (clipped); −min(0.5, 0.8) = −0.5
    expect(out.loss).toBeCloseTo((-1.2 + 1.5 + 0.8 - 0.5) / 4, 12);
    expectAllclose(out.dlogp, [0, 1.5 / 4, 0, -0.5 / 4], { rtol: 1e-6, atol: 1e-7 });
    expect(out.clipFrac).toBe(0.5);
    expect(out.tokens).toBe(4);
  });

  it('on-policy (ρ = 1): loss = −mean(A), dlogp = −A/N, masked tokens ignored', () => {
    const out = grpoLoss(base({ logp: [-2, -0.5, -3], oldLogp: [-2, -0.5, -3], advantages: [0.5, -1, 9], mask: [1, 1, 0] }));
    expect(out.loss).toBeCloseTo(0.25, 12);
    expectAllclose(out.dlogp, [-0.25, 0.5, 0], { rtol: 1e-7, atol: 0 });
    expect(out.clipFrac).toBe(0);
    expect(out.ratioMean).toBe(1);
  });

  it('k3 KL: hand value and zero at the reference', () => {
    // d = ref − logp = log 2 → e^d − d − 1 = 1 − log 2
    const out = grpoLoss(base({ logp: [-1], oldLogp: [-1], refLogp: [-1 + Math.log(2)], advantages: [0], mask: [1], beta: 0.1 }));
    expect(out.klMean).toBeCloseTo(1 - Math.log(2), 12);
    expect(out.loss).toBeCloseTo(0.1 * (1 - Math.log(2)), 12);
    expectAllclose(out.dlogp, [0.1 * (1 - 2)], { rtol: 1e-6, atol: 0 });
    const same = grpoLoss(base({ logp: [-1, -2], oldLogp: [-1, -2], refLogp: [-1, -2], advantages: [0, 0], mask: [1, 1], beta: 1 }));
    expect(same.klMean).toBe(0);
  });

  it('dlogp equals central finite differences of the loss', () => {
    let s = 12345;
    const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
    const n = 40;
    const old = Array.from({ length: n }, () => -0.2 - 3 * rand());
    const logp = old.map((o) => o + (rand() - 0.5) * 0.8); // ρ spans both clip edges
    const ref = old.map((o) => o + (rand() - 0.5));
    const adv = Array.from({ length: n }, () => (rand() - 0.5) * 3);
    const mask = Array.from({ length: n }, (_, i) => (i % 7 === 3 ? 0 : 1));
    const inp = base({ logp, oldLogp: old, refLogp: ref, advantages: adv, mask, beta: 0.05 });
    const { dlogp, clipFrac } = grpoLoss(inp);
    const h = 1e-6;
    const fd = logp.map((_, t) => {
      const up = logp.slice(); up[t] += h;
      const dn = logp.slice(); dn[t] -= h;
      return (grpoLoss({ ...inp, logp: up }).loss - grpoLoss({ ...inp, logp: dn }).loss) / (2 * h);
    });
    expectAllclose(dlogp, fd, { rtol: 1e-4, atol: 1e-8 });
    expect(clipFrac).toBeGreaterThan(0); // both branches are exercised
    expect(clipFrac).toBeLessThan(0.5);
  });

  it('empty mask → loss 0, no gradient', () => {
    const out = grpoLoss(base({ logp: [-1], oldLogp: [-1], advantages: [1], mask: [0] }));
    expect(out.loss).toBe(0);
    expect(Array.from(out.dlogp)).toEqual([0]);
  });

  it('NaN log-probs make a non-finite loss (the trainer rejects the step)', () => {
    const out = grpoLoss(base({ logp: [NaN, -1], oldLogp: [-1, -1], advantages: [1, 1], mask: [1, 1] }));
    expect(Number.isFinite(out.loss)).toBe(false);
  });

  it('rejects bad input, naming the argument', () => {
    expect(() => grpoLoss(base({ logp: [-1, -1], oldLogp: [-1], advantages: [0, 0], mask: [1, 1] }))).toThrow(/oldLogp/);
    expect(() => grpoLoss(base({ logp: [-1], oldLogp: [-1], advantages: [0], mask: [2] }))).toThrow(/mask\[0\]/);
    expect(() => grpoLoss(base({ logp: [-1], oldLogp: [-1], advantages: [0], mask: [1], beta: 0.1 }))).toThrow(/refLogp/);
    expect(() => grpoLoss(base({ logp: [-1], oldLogp: [-1], advantages: [0], mask: [1], epsilon: 0 }))).toThrow(/epsilon/);
  });
});
