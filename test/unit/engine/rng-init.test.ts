// The seeded PRNG (exact resume, distribution) and the GPT-2 init.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/sampling/rng.ts';
import { initParams, INIT_STD } from '../../../src/engine/init.ts';
import { paramLayout, type ModelConfig } from '../../../src/engine/config.ts';

describe('Rng', () => {
  it('is deterministic per seed and resumes exactly from getState()', () => {
    const a = new Rng(123);
    for (let i = 0; i < 10; i++) a.normal();
    const state = a.getState();
    const next = [a.uniform(), a.normal(), a.nextUint32()];
    const b = new Rng(999);
    b.setState(state);
    expect([b.uniform(), b.normal(), b.nextUint32()]).toEqual(next);
    expect(new Rng(123).uniform()).toBe(new Rng(123).uniform());
    expect(new Rng(123).uniform()).not.toBe(new Rng(124).uniform());
    expect(JSON.parse(JSON.stringify(state))).toEqual(state); // travels as JSON
  });
  it('uniform lies in [0,1) with mean ½; normal has mean 0 and variance 1', () => {
    const r = new Rng(1);
    const n = 50000;
    let su = 0, sn = 0, sn2 = 0;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      expect(u >= 0 && u < 1).toBe(true);
      su += u;
      const z = r.normal();
      sn += z;
      sn2 += z * z;
    }
    expect(Math.abs(su / n - 0.5)).toBeLessThan(0.01);
    expect(Math.abs(sn / n)).toBeLessThan(0.02);
    expect(Math.abs(sn2 / n - 1)).toBeLessThan(0.03);
  });
  it('rejects bad states and seeds, naming the index', () => {
    const r = new Rng(1);
    expect(() => r.setState([1, 2, 3])).toThrow(/4 uint32/);
    expect(() => r.setState([1, 2, -3, 4])).toThrow(/state\[2\]/);
    expect(() => r.setState([0, 0, 0, 0])).toThrow(/all zero/);
    expect(() => new Rng(NaN)).toThrow(/seed/);
  });
});

describe('initParams (GPT-2)', () => {
  const cfg: ModelConfig = { vocabSize: 64, blockSize: 16, nLayer: 3, nHead: 2, nEmbd: 32 };
  const p = initParams(cfg, 7);
  const { offsets, sizes } = paramLayout(cfg);
  const view = (n: keyof typeof sizes) => Array.from(p.subarray(offsets[n], offsets[n] + sizes[n]));
  const std = (xs: number[]) => Math.sqrt(xs.reduce((a, x) => a + x * x, 0) / xs.length);

  it('sets LN weights to 1 and biases to 0', () => {
    for (const n of ['ln1w', 'ln2w', 'lnfw'] as const) expect(view(n).every((x) => x === 1)).toBe(true);
    for (const n of ['ln1b', 'ln2b', 'lnfb', 'qkvb', 'attprojb', 'fcb', 'fcprojb'] as const) {
      expect(view(n).every((x) => x === 0)).toBe(true);
    }
  });
  it('draws weights N(0, 0.02) and scales residual projections by 1/sqrt(2L)', () => {
    expect(Math.abs(std(view('fcw')) / INIT_STD - 1)).toBeLessThan(0.03);
    expect(Math.abs(std(view('wte')) / INIT_STD - 1)).toBeLessThan(0.05);
    const resid = INIT_STD / Math.sqrt(2 * cfg.nLayer);
    expect(Math.abs(std(view('fcprojw')) / resid - 1)).toBeLessThan(0.03);
    expect(Math.abs(std(view('attprojw')) / resid - 1)).toBeLessThan(0.05);
  });
  it('is reproducible per seed', () => {
    expect(initParams(cfg, 7)).toEqual(p);
    expect(initParams(cfg, 8)[0]).not.toBe(p[0]);
  });
});
