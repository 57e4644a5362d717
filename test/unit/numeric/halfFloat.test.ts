// Half-precision codecs: every one of the 65 536 bit patterns decodes and re-encodes to itself
// (NaNs stay NaN), and encoding rounds to the nearest representable value, ties to even.
import { describe, expect, it } from 'vitest';
import { bf16ToFloat, floatToBf16, floatToHalf, halfToFloat } from '../../../src/numeric/halfFloat.ts';

describe('half floats', () => {
  it('f16: every bit pattern round-trips', () => {
    for (let h = 0; h < 0x10000; h++) {
      const x = halfToFloat(h);
      if (Number.isNaN(x)) expect(Number.isNaN(halfToFloat(floatToHalf(x)))).toBe(true);
      else expect(floatToHalf(x)).toBe(h);
    }
  });
  it('bf16: every bit pattern round-trips', () => {
    for (let h = 0; h < 0x10000; h++) {
      const x = bf16ToFloat(h);
      if (Number.isNaN(x)) expect(Number.isNaN(bf16ToFloat(floatToBf16(x)))).toBe(true);
      else expect(floatToBf16(x)).toBe(h);
    }
  });
  it('rounds to nearest, ties to even', () => {
    // 1 + 2^-11 lies halfway between f16's 1 and 1 + 2^-10: ties to the even mantissa (1).
    expect(halfToFloat(floatToHalf(1 + 2 ** -11))).toBe(1);
    expect(halfToFloat(floatToHalf(1 + 3 * 2 ** -11))).toBe(1 + 2 * 2 ** -10);
    expect(halfToFloat(floatToHalf(1 + 2 ** -11 + 2 ** -20))).toBe(1 + 2 ** -10);
    expect(floatToHalf(65520)).toBe(0x7c00); // rounds past the largest half to infinity
    expect(halfToFloat(floatToHalf(2 ** -25 + 2 ** -30))).toBe(2 ** -24); // smallest subnormal
    expect(bf16ToFloat(floatToBf16(1 + 2 ** -8))).toBe(1);
    expect(bf16ToFloat(floatToBf16(1 + 3 * 2 ** -8))).toBe(1 + 2 ** -6);
    // random values land on one of their two neighbours, the nearer one
    let s = 1;
    for (let i = 0; i < 2000; i++) {
      s = (s * 16807) % 2147483647;
      const x = (s / 2147483647 - 0.5) * 40;
      const q = halfToFloat(floatToHalf(x));
      const ulp = 2 ** (Math.floor(Math.log2(Math.abs(x))) - 10);
      expect(Math.abs(q - x)).toBeLessThanOrEqual(ulp / 2 + 1e-12);
    }
  });
});
