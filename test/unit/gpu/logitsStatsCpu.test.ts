import { describe, expect, test } from 'vitest';
import {
  float16BitsToFloat32,
  float32ToFloat16Bits,
  fromFloat16Array,
  logitsStatsCpu,
  toFloat16Array,
} from '../../../src/gpu/logitsStatsCpu.ts';

describe('logitsStatsCpu against hand-computed values', () => {
  test('uniform row: lse = entropy = ln V, log p = −ln V', () => {
    const s = logitsStatsCpu([0, 0, 0, 0], 1, 4, [2]);
    expect(s.max[0]).toBe(0);
    expect(s.logSumExp[0]).toBeCloseTo(Math.log(4), 14);
    expect(s.entropy[0]).toBeCloseTo(1.3862943611198906, 14);
    expect(s.targetLogProb[0]).toBeCloseTo(-1.3862943611198906, 14);
  });

  test('p = (1/4, 3/4): H = −(¼ ln ¼ + ¾ ln ¾) = 0.5623351446188083', () => {
    const s = logitsStatsCpu([7, 7 + Math.log(3)], 1, 2, [1]);
    expect(s.max[0]).toBeCloseTo(7 + 1.0986122886681098, 14);
    expect(s.logSumExp[0]).toBeCloseTo(7 + Math.log(4), 13);
    expect(s.entropy[0]).toBeCloseTo(0.5623351446188083, 13);
    expect(s.targetLogProb[0]).toBeCloseTo(Math.log(0.75), 13);
  });

  test('rows are independent; −inf entries have p = 0; target −1 gives NaN', () => {
    const s = logitsStatsCpu([-Infinity, 5, 1000, 1000], 2, 2, [0, -1]);
    expect([s.max[0], s.logSumExp[0], s.entropy[0], s.targetLogProb[0]]).toEqual([5, 5, 0, -Infinity]);
    expect(s.max[1]).toBe(1000);
    expect(s.logSumExp[1]).toBeCloseTo(1000 + Math.LN2, 12); // no overflow of exp(1000)
    expect(s.entropy[1]).toBeCloseTo(Math.LN2, 12);
    expect(s.targetLogProb[1]).toBeNaN();
  });

  test('±1e4 and one-hot-like rows are exact: lse = 1e4, H = 0', () => {
    const s = logitsStatsCpu([1e4, -1e4, 0, 1e4, 0, 0], 2, 3, [1, 0]);
    expect([...s.logSumExp]).toEqual([1e4, 1e4]);
    expect([...s.entropy]).toEqual([0, 0]);
    expect(s.targetLogProb[0]).toBe(-2e4);
    expect(s.targetLogProb[1]).toBe(0);
  });

  test('an all −inf row has no distribution: max = lse = −inf, entropy and log p NaN', () => {
    const s = logitsStatsCpu([-Infinity, -Infinity], 1, 2, [1]);
    expect(s.max[0]).toBe(-Infinity);
    expect(s.logSumExp[0]).toBe(-Infinity);
    expect(s.entropy[0]).toBeNaN();
    expect(s.targetLogProb[0]).toBeNaN();
  });

  test('without targets every log p is NaN', () => {
    expect([...logitsStatsCpu([1, 2, 3, 4], 2, 2).targetLogProb].every(Number.isNaN)).toBe(true);
  });

  test('bad input names the argument and index', () => {
    expect(() => logitsStatsCpu([1, 2, 3], 2, 2)).toThrow(/logits has 3 values.*2 × 2/);
    expect(() => logitsStatsCpu([1, 2], 1, 0)).toThrow(/vocab/);
    expect(() => logitsStatsCpu([1, 2], -1, 2)).toThrow(/rows/);
    expect(() => logitsStatsCpu([1, 2, 3, 4], 2, 2, [0, 2])).toThrow(/targets\[1\] = 2/);
    expect(() => logitsStatsCpu([1, 2, 3, 4], 2, 2, [-2, 0])).toThrow(/targets\[0\] = -2/);
    expect(() => logitsStatsCpu([1, 2, 3, 4], 2, 2, [0])).toThrow(/targets has length 1/);
  });
});

describe('float16 helpers', () => {
  test('known bit patterns (IEEE 754 binary16)', () => {
    const cases: [number, number][] = [
      [0, 0x0000], [-0, 0x8000], [1, 0x3c00], [-2, 0xc000], [0.5, 0x3800], [65504, 0x7bff],
      [2 ** -14, 0x0400], [2 ** -24, 0x0001], [Infinity, 0x7c00], [-Infinity, 0xfc00], [1e4, 0x70e2],
    ];
    for (const [x, bits] of cases) {
      expect(float32ToFloat16Bits(x)).toBe(bits);
      expect(Object.is(float16BitsToFloat32(bits), x)).toBe(true);
    }
  });

  test('rounding: to nearest, ties to even, overflow to Inf, underflow to 0', () => {
    expect(float32ToFloat16Bits(1 + 2 ** -11)).toBe(0x3c00); // tie → even (down)
    expect(float32ToFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie → even (up)
    expect(float32ToFloat16Bits(1 + 2 ** -11 + 2 ** -20)).toBe(0x3c01); // above the tie
    expect(float32ToFloat16Bits(65520)).toBe(0x7c00); // halfway past the max rounds to Inf
    expect(float32ToFloat16Bits(65519)).toBe(0x7bff);
    expect(float32ToFloat16Bits(2 ** -25)).toBe(0x0000); // tie with 0 → even
    expect(float32ToFloat16Bits(1.5 * 2 ** -25)).toBe(0x0001);
    expect(float32ToFloat16Bits(3 * 2 ** -25)).toBe(0x0002); // subnormal tie → even
    expect(float32ToFloat16Bits(2 ** -14 - 2 ** -26)).toBe(0x0400); // rounds up into the normals
    expect(Number.isNaN(float16BitsToFloat32(float32ToFloat16Bits(NaN)))).toBe(true);
  });

  test('every finite half round-trips through float32', () => {
    for (let b = 0; b < 0x10000; b++) {
      if ((b & 0x7c00) === 0x7c00) continue;
      expect(float32ToFloat16Bits(float16BitsToFloat32(b))).toBe(b);
    }
    expect([...fromFloat16Array(toFloat16Array([1, -0.25, 3]))]).toEqual([1, -0.25, 3]);
  });
});
