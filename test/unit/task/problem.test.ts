import { describe, expect, test } from 'vitest';
import { columnEquation, heldOutProblems, isHeldOut, makeProblem, problemFrom } from '../../../src/task/problem.ts';
import { Rng } from '../../../src/sampling/rng.ts';

describe('addition problems', () => {
  test('457 + 386 column by column (hand-computed)', () => {
    const p = problemFrom(457, 386);
    expect(p.question).toBe('457+386=?');
    expect(p.answer).toBe('843');
    expect(p.columns.map((c) => columnEquation(c))).toEqual(['7+6=13', '5+8+1=14', '4+3+1=8']);
  });

  test('unequal lengths pad with 0; a final carry only shows in the answer', () => {
    const p = problemFrom(957, 86);
    expect(p.columns.map((c) => columnEquation(c))).toEqual(['7+6=13', '5+8+1=14', '9+0+1=10']);
    expect(p.answer).toBe('1043');
  });

  test('columns reproduce a + b for many random problems; digit counts respected', () => {
    const rng = new Rng(3);
    for (let i = 0; i < 2000; i++) {
      const p = makeProblem(rng, { minDigits: 2, maxDigits: 4, split: 'any' });
      for (const v of [p.a, p.b]) expect(String(v).length >= 2 && String(v).length <= 4).toBe(true);
      let value = 0;
      let carry = 0;
      p.columns.forEach((c, k) => {
        expect(c.carryIn).toBe(carry);
        value += (c.sum % 10) * 10 ** k;
        carry = c.sum >= 10 ? 1 : 0;
      });
      value += carry * 10 ** p.columns.length;
      expect(value).toBe(p.a + p.b);
      expect(p.answer).toBe(String(p.a + p.b));
    }
  });

  test('same seed → same problems', () => {
    const a = new Rng(11), b = new Rng(11);
    for (let i = 0; i < 100; i++) expect(makeProblem(a)).toEqual(makeProblem(b));
  });

  test('the held-out partition is symmetric, about 10 %, and never drawn for training', () => {
    let held = 0;
    for (let a = 10; a < 100; a++) {
      for (let b = 10; b < 100; b++) {
        expect(isHeldOut(a, b)).toBe(isHeldOut(b, a));
        if (isHeldOut(a, b)) held++;
      }
    }
    expect(held / 8100).toBeGreaterThan(0.07);
    expect(held / 8100).toBeLessThan(0.13);
    const rng = new Rng(5);
    for (let i = 0; i < 5000; i++) {
      const p = makeProblem(rng, { minDigits: 2, maxDigits: 2 });
      expect(isHeldOut(p.a, p.b)).toBe(false);
    }
  });

  test('heldOutProblems: fixed per seed, distinct, all held out', () => {
    const set = heldOutProblems(2024, 200);
    expect(heldOutProblems(2024, 200)).toEqual(set);
    expect(heldOutProblems(2025, 200)).not.toEqual(set);
    const keys = new Set(set.map((p) => `${Math.min(p.a, p.b)}+${Math.max(p.a, p.b)}`));
    expect(keys.size).toBe(200);
    for (const p of set) expect(isHeldOut(p.a, p.b)).toBe(true);
  });

  test('heldOutProblems asks for more than exist → clear error', () => {
    // 1-digit pairs: 55 unordered, about 10 % held out
    expect(() => heldOutProblems(1, 60, { minDigits: 1, maxDigits: 1 })).toThrow(/only \d+ distinct held-out problems/);
  });

  test('bad options and operands are named', () => {
    const rng = new Rng(0);
    expect(() => makeProblem(rng, { minDigits: 0 })).toThrow(/minDigits/);
    expect(() => makeProblem(rng, { minDigits: 3, maxDigits: 2 })).toThrow(/maxDigits/);
    expect(() => makeProblem(rng, { maxDigits: 5 })).toThrow(/maxDigits/);
    expect(() => problemFrom(10000, 1)).toThrow(/\ba must be/);
    expect(() => problemFrom(1, 2.5)).toThrow(/\bb must be/);
  });
});
