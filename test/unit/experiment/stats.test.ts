// The experiment's statistics against tabulated Student t quantiles and hand-computed intervals.
import { describe, expect, it } from 'vitest';
import { incompleteBeta, mean, pairedDifference, relativeChange, sampleStd, studentTCdf, studentTQuantile } from '../../../experiment/stats.ts';
import { Rng } from '../../../src/sampling/rng.ts';

describe('experiment stats', () => {
  it('t quantiles match the tables (two-sided 95 %: t_{0.975, df})', () => {
    // Standard t-table values.
    const table: [number, number][] = [[1, 12.706205], [2, 4.302653], [3, 3.182446], [4, 2.776445], [5, 2.570582], [9, 2.262157], [30, 2.042272], [1000, 1.962339]];
    for (const [df, t] of table) expect(studentTQuantile(0.975, df)).toBeCloseTo(t, 5);
    expect(studentTQuantile(0.995, 4)).toBeCloseTo(4.604095, 5);
    expect(studentTQuantile(0.025, 4)).toBeCloseTo(-2.776445, 5);
  });

  it('the t CDF has closed forms at df 1 (Cauchy) and df 2', () => {
    for (const t of [-3, -0.5, 0, 0.7, 4]) {
      expect(studentTCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 10);
      expect(studentTCdf(t, 2)).toBeCloseTo(0.5 + t / (2 * Math.sqrt(2 + t * t)), 10);
    }
    expect(incompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 12); // I_x(1,1) = x
    expect(incompleteBeta(0.3, 2, 1)).toBeCloseTo(0.09, 12); // I_x(a,1) = x^a
  });

  it('mean and sample std', () => {
    expect(mean([1, 2, 3, 6])).toBe(3);
    expect(sampleStd([1, 2, 3, 6])).toBeCloseTo(Math.sqrt(14 / 3), 12);
    expect(sampleStd([5])).toBeNaN();
    expect(mean([])).toBeNaN();
  });

  it('paired difference: mean of b − a with the t interval, by hand', () => {
    const a = [0.5, 0.6, 0.55, 0.7, 0.65];
    const b = [0.55, 0.62, 0.5, 0.78, 0.7]; // d = .05 .02 −.05 .08 .05
    const r = pairedDifference(a, b);
    const d = [0.05, 0.02, -0.05, 0.08, 0.05];
    const m = 0.03;
    const s = Math.sqrt(d.reduce((acc, x) => acc + (x - m) ** 2, 0) / 4);
    expect(r.n).toBe(5);
    expect(r.mean).toBeCloseTo(m, 12);
    expect(r.std).toBeCloseTo(s, 12);
    expect(r.lo).toBeCloseTo(m - 2.776445 * s / Math.sqrt(5), 5);
    expect(r.hi).toBeCloseTo(m + 2.776445 * s / Math.sqrt(5), 5);
    // Pairing matters: the same values unpaired would give a much wider spread than the differences.
    expect(r.std).toBeLessThan(sampleStd(b));
  });

  it('rejects unpaired input and a bad level; one pair has no interval', () => {
    expect(() => pairedDifference([1, 2], [1])).toThrow(/pairs/);
    expect(() => pairedDifference([1], [2], 1)).toThrow(/level/);
    const one = pairedDifference([1], [3]);
    expect(one.mean).toBe(2);
    expect(one.lo).toBeNaN();
  });

  it('relative change: the delta-method interval equals the variance-covariance form of Var(b̄/ā)', () => {
    const a = [31.2, 29.0, 33.5, 30.1, 32.0];
    const b = [25.0, 24.1, 27.9, 23.5, 26.6];
    const r = relativeChange(a, b);
    const n = 5;
    const ma = mean(a);
    const mb = mean(b);
    const R = mb / ma;
    // Var(R̂) ≈ (Var(b̄) + R²·Var(ā) − 2R·Cov(ā, b̄)) / ā², each of the sample means' (÷ n)
    const cov = a.reduce((acc, x, i) => acc + (x - ma) * (b[i] - mb), 0) / (n - 1);
    const varR = (sampleStd(b) ** 2 + R * R * sampleStd(a) ** 2 - 2 * R * cov) / n / (ma * ma);
    expect(r.rel).toBeCloseTo(R - 1, 12);
    expect(r.hi - r.rel).toBeCloseTo(2.776445 * Math.sqrt(varR), 6);
    expect(r.rel - r.lo).toBeCloseTo(2.776445 * Math.sqrt(varR), 6);
    // pairing: b = 0.8·a exactly has no uncertainty about the ratio
    const exact = relativeChange(a, a.map((x) => 0.8 * x));
    expect(exact.rel).toBeCloseTo(-0.2, 12);
    expect(exact.hi - exact.lo).toBeLessThan(1e-12);
    expect(relativeChange([1], [2]).lo).toBeNaN();
    expect(() => relativeChange([1, 2], [1])).toThrow(/pairs/);
  });

  it('relative change: the 95 % interval covers the true ratio about 95 % of the time (5 pairs, correlated normals)', () => {
    const rng = new Rng(2024);
    const normal = () => Math.sqrt(-2 * Math.log(1 - rng.uniform())) * Math.cos(2 * Math.PI * rng.uniform());
    const trials = 4000;
    let covered = 0;
    for (let t = 0; t < trials; t++) {
      // a seed's own luck (shared) plus each method's noise: true ratio 25 / 31
      const a: number[] = [];
      const b: number[] = [];
      for (let i = 0; i < 5; i++) {
        const seed = normal();
        a.push(31 + 1.5 * seed + 1.0 * normal());
        b.push(25 + 1.2 * seed + 1.0 * normal());
      }
      const r = relativeChange(a, b);
      if (r.lo <= 25 / 31 - 1 && 25 / 31 - 1 <= r.hi) covered++;
    }
    // binomial sd at p = 0.95 over 4000 trials is 0.0034
    expect(covered / trials).toBeGreaterThan(0.935);
    expect(covered / trials).toBeLessThan(0.965);
  });
});
