// The token lens's probability format (src/ui/format.ts percent): three significant digits, and
// near 1 the distance from 100 % rather than a rounded "100.0 %".
import { expect, test } from 'vitest';
import { percent } from '../../../src/ui/format.ts';

test('percent keeps near-certain and tiny probabilities distinguishable', () => {
  expect(percent(0.5)).toBe('50.0 %');
  expect(percent(0.012345)).toBe('1.23 %');
  expect(percent(0.99979)).toBe('99.979 %'); // not "100.0 %": surprise 2.1e-4 nats
  expect(percent(0.9995)).toBe('99.950 %');
  expect(percent(1 - 2e-7)).toBe('100 − 2.0e-5 %');
  expect(percent(1)).toBe('100 %');
  expect(percent(3.2e-6)).toBe('3.2e-4 %');
  expect(percent(0)).toBe('0 %');
  expect(percent(NaN)).toBe('—');
});
