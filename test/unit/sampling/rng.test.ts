// The project's PRNG against the published xoshiro128** reference stream: state (1, 2, 3, 4), the
// vector of the reference C by Blackman & Vigna as the rand_xoshiro crate and .NET's
// Xoshiro128StarStarImpl tests pin it (also recomputed here by an independent Python port).
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/sampling/rng.ts';

const REFERENCE = [
  11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849, 3729100597, 4258142804,
  337829053, 2142557243, 3576906021, 2006103318, 3870238204, 1001584594, 3804789018, 2299676403, 3571406116, 2962224741,
];

describe('Rng (xoshiro128**)', () => {
  it('reproduces the reference stream from state [1, 2, 3, 4]', () => {
    const rng = new Rng(0);
    rng.setState([1, 2, 3, 4]);
    expect(Array.from({ length: REFERENCE.length }, () => rng.nextUint32())).toEqual(REFERENCE);
  });

  it('builds uniform() from two words: 27 high bits then 26 (53 bits in [0, 1))', () => {
    const rng = new Rng(0);
    rng.setState([1, 2, 3, 4]);
    const u = rng.uniform();
    expect(u).toBe(((REFERENCE[0] >>> 5) * 67108864 + (REFERENCE[1] >>> 6)) / 2 ** 53);
    const v = rng.uniform();
    expect(v).toBe(((REFERENCE[2] >>> 5) * 67108864 + (REFERENCE[3] >>> 6)) / 2 ** 53);
  });

  it('resumes exactly from getState()', () => {
    const a = new Rng(42);
    for (let i = 0; i < 5; i++) a.nextUint32();
    const b = new Rng(7);
    b.setState(a.getState());
    expect(Array.from({ length: 8 }, () => b.nextUint32())).toEqual(Array.from({ length: 8 }, () => a.nextUint32()));
  });

  it('int(lo, hi) = lo + ⌊uniform() · (hi − lo + 1)⌋ on the reference stream; pick is one int draw', () => {
    const rng = new Rng(0);
    rng.setState([1, 2, 3, 4]);
    const u0 = ((REFERENCE[0] >>> 5) * 67108864 + (REFERENCE[1] >>> 6)) / 2 ** 53;
    const u1 = ((REFERENCE[2] >>> 5) * 67108864 + (REFERENCE[3] >>> 6)) / 2 ** 53;
    expect(rng.int(10, 99)).toBe(10 + Math.floor(u0 * 90));
    expect(rng.pick(['a', 'b', 'c', 'd', 'e'])).toBe(['a', 'b', 'c', 'd', 'e'][Math.floor(u1 * 5)]);
  });

  it('int covers [lo, hi] inclusive and nothing else, evenly', () => {
    const rng = new Rng(1);
    const counts = new Map<number, number>();
    for (let i = 0; i < 6000; i++) {
      const k = rng.int(3, 8);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual([3, 4, 5, 6, 7, 8]);
    for (const c of counts.values()) expect(Math.abs(c - 1000)).toBeLessThan(150); // ~5.5 sigma
  });

  it('a state saved as JSON resumes the int stream exactly', () => {
    const rng = new Rng(7);
    for (let i = 0; i < 13; i++) rng.uniform();
    const saved = JSON.parse(JSON.stringify({ s: rng.getState() })).s as number[];
    const expected = Array.from({ length: 20 }, () => rng.int(0, 1000));
    const resumed = new Rng(999);
    resumed.setState(saved);
    expect(Array.from({ length: 20 }, () => resumed.int(0, 1000))).toEqual(expected);
  });

  it('bad arguments name what is wrong', () => {
    const rng = new Rng(0);
    expect(() => rng.setState([1, 2, 3, -1])).toThrow(/state\[3\] must be a uint32/);
    expect(() => rng.setState([0, 0, 0, 0])).toThrow(/all zero/);
    expect(() => rng.int(5, 4)).toThrow(/lo <= hi/);
    expect(() => rng.int(0, 1.5)).toThrow(/integers/);
    expect(() => rng.pick([])).toThrow(/non-empty/);
    expect(() => new Rng(NaN)).toThrow(/seed/);
  });
});
