import { expect, test } from 'vitest';
import { yDomain } from '../../../src/ui/dashboard/chartDomain.ts';

test('a constant series gets a symmetric range around its value; a varying one is left to recharts', () => {
  expect(yDomain([{ a: 0.1, b: 0.1 }, { a: 0.1, b: null }, { a: NaN }], ['a', 'b'])).toEqual([0.1 - 0.010000000000000002, 0.1 + 0.010000000000000002]);
  expect(yDomain([{ kl: 0 }, { kl: 0 }], ['kl'])).toEqual([-1, 1]);
  expect(yDomain([{ a: -2 }], ['a'])).toEqual([-2.2, -1.8]);
  expect(yDomain([{ a: 0.3 }, { a: 0.5 }], ['a'])).toEqual(['auto', 'auto']);
  const [lo, hi] = yDomain([{ a: 0.059493319173554084 }, { a: 0.05949331917355409 }], ['a']) as number[];
  expect(hi - lo).toBeCloseTo(2 * 0.0059493319173554, 12);
  expect(yDomain([{ a: null }], ['a'])).toEqual(['auto', 'auto']);
});
