import { describe, expect, test } from 'vitest';
import { createRng } from '../../../src/task/rng.ts';

describe('task rng (mulberry32)', () => {
  test('same seed, same stream; different seeds differ', () => {
    const a = createRng(42), b = createRng(42), c = createRng(43);
    const xa = Array.from({ length: 50 }, () => a.next());
    const xb = Array.from({ length: 50 }, () => b.next());
    const xc = Array.from({ length: 50 }, () => c.next());
    expect(xa).toEqual(xb);
    expect(xa).not.toEqual(xc);
  });

  test('state round-trip resumes the exact stream, also through JSON', () => {
    const rng = createRng(7);
    for (let i = 0; i < 13; i++) rng.next();
    const saved = JSON.parse(JSON.stringify({ s: rng.getState() })).s as number;
    const expected = Array.from({ length: 20 }, () => rng.int(0, 1000));
    const resumed = createRng(999);
    resumed.setState(saved);
    expect(Array.from({ length: 20 }, () => resumed.int(0, 1000))).toEqual(expected);
  });

  test('uniform in [0, 1) with mean ≈ 1/2; int covers [lo, hi] inclusive and nothing else', () => {
    const rng = createRng(1);
    let sum = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      expect(u >= 0 && u < 1).toBe(true);
      sum += u;
    }
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.01); // 7 sigma of 1/sqrt(12 n)
    const counts = new Map<number, number>();
    for (let i = 0; i < 6000; i++) {
      const k = rng.int(3, 8);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual([3, 4, 5, 6, 7, 8]);
    for (const c of counts.values()) expect(Math.abs(c - 1000)).toBeLessThan(150);
  });

  test('bad arguments name what is wrong', () => {
    const rng = createRng(0);
    expect(() => rng.setState(-1)).toThrow(/state must be a uint32/);
    expect(() => rng.setState(2 ** 32)).toThrow(/uint32/);
    expect(() => rng.int(5, 4)).toThrow(/lo <= hi/);
    expect(() => rng.pick([])).toThrow(/non-empty/);
    expect(() => createRng(NaN)).toThrow(/seed/);
  });
});
