// Silent failure 4 of issue #10: an out-of-range number (w = 7) is rejected with a message that
// names the field, the allowed range and the value still in use; valid text is applied.
import { expect, test } from 'vitest';
import { checkNumberInput, notAppliedMessage } from '../../../src/store/numberInput.ts';

const w = { min: 0, max: 1, integer: false };
const steps = { min: 1, max: 100_000, integer: true };

test('valid values parse to numbers, at and inside the bounds', () => {
  expect(checkNumberInput('0.5', w, 'w')).toEqual({ ok: true, value: 0.5 });
  expect(checkNumberInput(' 1 ', w, 'w')).toEqual({ ok: true, value: 1 });
  expect(checkNumberInput('0', w, 'w')).toEqual({ ok: true, value: 0 });
  expect(checkNumberInput('1e2', steps, 'Steps')).toEqual({ ok: true, value: 100 });
});

test('w = 7 is outside [0, 1]; the message says so and what stays in use', () => {
  const c = checkNumberInput('7', w, 'w');
  expect(c).toEqual({ ok: false, error: 'w: 7 is outside the allowed range; enter a number from 0 to 1' });
  if (!c.ok) expect(notAppliedMessage(c.error, 0.5)).toBe('w: 7 is outside the allowed range; enter a number from 0 to 1. Not applied — still using 0.5.');
});

test('empty, non-numeric, non-finite, fractional-for-integer and negative inputs are each rejected', () => {
  expect(checkNumberInput('', steps, 'Steps')).toEqual({ ok: false, error: 'Steps: enter an integer from 1 to 100000' });
  expect(checkNumberInput('abc', w, 'w')).toEqual({ ok: false, error: 'w: "abc" is not a number; enter a number from 0 to 1' });
  expect(checkNumberInput('Infinity', w, 'w').ok).toBe(false);
  expect(checkNumberInput('2.5', steps, 'Steps')).toEqual({ ok: false, error: 'Steps: 2.5 is not an integer; enter an integer from 1 to 100000' });
  expect(checkNumberInput('-0.1', w, 'w')).toEqual({ ok: false, error: 'w: -0.1 is outside the allowed range; enter a number from 0 to 1' });
  expect(checkNumberInput('0', steps, 'Steps').ok).toBe(false);
});

test('small bounds are written in exponent form, so the range stays readable', () => {
  expect(checkNumberInput('1', { min: 0, max: 1e-4, integer: false }, 'lr')).toEqual({ ok: false, error: 'lr: 1 is outside the allowed range; enter a number from 0 to 1e-4' });
});
