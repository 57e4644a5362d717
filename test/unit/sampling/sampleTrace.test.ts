// The float64 draw trace the GPU sampler's tests judge by (test/util/sampleTrace.ts): the same id
// as sampleToken on rows with ties, masked entries and every option, and margins that say how
// far each decision lay from its threshold.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/sampling/rng.ts';
import { sampleToken } from '../../../src/sampling/sampleToken.ts';
import { sampleTrace } from '../../util/sampleTrace.ts';

const one = (u: number) => ({ uniform: () => u });

describe('sampleTrace', () => {
  it('agrees with sampleToken on random rows, ties, masks and every option', () => {
    const rng = new Rng(5);
    let draws = 0;
    for (let trial = 0; trial < 300; trial++) {
      const V = 1 + rng.int(0, 40);
      // logits on a coarse grid (many ties), some masked; −0 beside +0
      const row = Array.from({ length: V }, () => (rng.uniform() < 0.15 ? -Infinity : Math.round(rng.normal() * 4) / 2));
      if (V > 2) { row[0] = -0; row[1] = 0; }
      if (row.every((x) => x === -Infinity)) row[rng.int(0, V - 1)] = 1;
      for (const temperature of [0, 0.3, 1, 2]) {
        for (const topK of [0, 1, 5]) {
          for (const topP of [1, 0.9, 0.5]) {
            const opts = { temperature, topK, topP };
            const u = rng.uniform();
            expect(sampleTrace(row, opts, u).id).toBe(sampleToken(row, opts, one(u)));
            draws++;
          }
        }
      }
    }
    expect(draws).toBe(300 * 36);
  });

  it('margins: distance of the top-p sum and of the draw target from their thresholds', () => {
    const row = [Math.log(3), 0]; // weights 3, 1 (total 4)
    const t = sampleTrace(row, { temperature: 1, topK: 0, topP: 0.7 }, 0.3);
    expect(t.kept).toBe(1); // C(1) = 0.75 ≥ 0.7
    expect(t.topPMargin).toBeCloseTo(0.05, 12);
    expect(t.drawMargin).toBeCloseTo(0.7, 12); // target 0.9 of kept mass 3: (3 − 0.9) / 3
    const all = sampleTrace(row, { temperature: 1, topK: 0, topP: 1 }, 0.8);
    expect(all.id).toBe(1); // target 3.2 ≥ 3
    expect(all.topPMargin).toBe(Infinity);
    expect(all.drawMargin).toBeCloseTo(0.05, 12); // min(4 − 3.2, 3.2 − 3) / 4
    const exact = sampleTrace([0, 0], { temperature: 1, topK: 0, topP: 1 }, 0.5);
    expect(exact).toEqual({ id: 1, kept: 2, topPMargin: Infinity, drawMargin: 0 }); // target on a boundary
    expect(sampleTrace([0, 5, 5], { temperature: 0, topK: 0, topP: 1 }, 0.5).id).toBe(1);
  });
});
