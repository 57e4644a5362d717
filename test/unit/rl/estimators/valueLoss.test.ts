import { describe, expect, it } from 'vitest';
import { clippedValueLoss } from '../../../../src/rl/estimators/valueLoss.ts';

describe('clipped value loss (repro-method.md §11, verl compute_value_loss)', () => {
  it('hand-computed: unclipped, clipped-and-larger, clipped-but-smaller, masked', () => {
    // c = 0.2.  t0: V = 0.5, V_old = 0.45, G = 1  → inside the range: ½(0.5)² term, grad (0.5−1)/N
    //           t1: V = 1.0, V_old = 0.5, G = 0    → V_clip = 0.7, (1)² vs (0.7)²: unclipped larger, grad 1/N
    //           t2: V = 0.0, V_old = 0.5, G = 0.1  → V_clip = 0.3, (0.1)² vs (0.2)²: clipped larger, grad 0
    //           t3: masked out
    const out = clippedValueLoss({
      values: [0.5, 1.0, 0.0, 9], oldValues: [0.45, 0.5, 0.5, 0], returns: [1, 0, 0.1, 0], mask: [1, 1, 1, 0], cliprange: 0.2,
    });
    expect(out.tokens).toBe(3);
    expect(out.loss).toBeCloseTo(0.5 * (0.25 + 1 + 0.04) / 3, 7);
    expect(out.dvalues[0]).toBeCloseTo(-0.5 / 3, 7);
    expect(out.dvalues[1]).toBeCloseTo(1 / 3, 7);
    expect(out.dvalues[2]).toBe(0);
    expect(out.dvalues[3]).toBe(0);
    expect(out.clipFrac).toBeCloseTo(1 / 3, 12);
  });

  it('gradient matches central finite differences of the loss', () => {
    const oldValues = [0.1, -0.3, 0.8, 0.0, 0.5];
    const returns = [1, 0, 0.2, -0.6, 0.55];
    const mask = [1, 1, 1, 1, 0];
    const values = [0.25, -0.9, 0.65, 0.3, 0.1]; // a mix of in-range, clipped, and masked tokens
    const f = (v: number[]) => clippedValueLoss({ values: v, oldValues, returns, mask, cliprange: 0.2 }).loss;
    const g = clippedValueLoss({ values, oldValues, returns, mask, cliprange: 0.2 }).dvalues;
    const h = 1e-6;
    for (let t = 0; t < values.length; t++) {
      const up = values.slice(); up[t] += h;
      const dn = values.slice(); dn[t] -= h;
      expect(g[t]).toBeCloseTo((f(up) - f(dn)) / (2 * h), 5);
    }
  });

  it('no masked token → loss 0; bad input throws with the field', () => {
    expect(clippedValueLoss({ values: [1], oldValues: [0], returns: [0], mask: [0], cliprange: 0.5 }).loss).toBe(0);
    expect(() => clippedValueLoss({ values: [1], oldValues: [0], returns: [0], mask: [1], cliprange: 0 })).toThrow(/cliprange_value/);
    expect(() => clippedValueLoss({ values: [1], oldValues: [0, 1], returns: [0], mask: [1], cliprange: 0.5 })).toThrow(/oldValues/);
  });
});
