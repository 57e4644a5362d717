// Issue #10 item 7: the ETA must not swing (11 → 24 min within seconds). Hand-computed EMA values.
import { expect, test } from 'vitest';
import { etaFromRate, startRate, updateRate } from '../../../src/store/eta.ts';

test('the first unit (warm-up) is skipped; then an EMA with α = 0.1 of ms per unit', () => {
  let s = startRate(0, 0);
  s = updateRate(s, 1, 30_000); // 30 s of compilation: not counted
  expect(s.msPerUnit).toBeNull();
  expect(etaFromRate(s, 100)).toBeNull();
  s = updateRate(s, 2, 31_000); // 1 s
  expect(s.msPerUnit).toBe(1000);
  s = updateRate(s, 3, 33_000); // 2 s: 1000 + 0.1·(2000 − 1000) = 1100
  expect(s.msPerUnit).toBeCloseTo(1100, 9);
  expect(etaFromRate(s, 100)).toBeCloseTo(97 * 1.1, 9);
  s = updateRate(s, 5, 34_000); // two units in 1 s: 500 each → 1100 + 0.1·(500 − 1100) = 1040
  expect(s.msPerUnit).toBeCloseTo(1040, 9);
});

test('one unit twice as slow moves the ETA by 10 %, not 2×', () => {
  let s = startRate(0, 0);
  s = updateRate(s, 1, 5000);
  for (let i = 2; i <= 20; i++) s = updateRate(s, i, 5000 + (i - 1) * 1000);
  const before = etaFromRate(s, 200)!;
  s = updateRate(s, 21, 5000 + 19 * 1000 + 2000);
  const after = etaFromRate(s, 200)!;
  expect(before).toBeCloseTo(180, 6);
  expect(after / before).toBeCloseTo((1100 * 179) / (1000 * 180), 6);
});

test('resuming from a checkpoint (done starts above 0) counts from the first unit after it; a rewind restarts', () => {
  let s = startRate(40, 0);
  s = updateRate(s, 41, 2000);
  expect(s.msPerUnit).toBe(2000);
  s = updateRate(s, 41, 9000); // no new unit: unchanged
  expect(s).toEqual({ done: 41, at: 2000, msPerUnit: 2000 });
  s = updateRate(s, 39, 10_000); // rewound (device-loss recovery)
  expect(s).toEqual({ done: 39, at: 10_000, msPerUnit: null });
});
