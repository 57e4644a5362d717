// useThrottledValue in a real React root (headless Chromium): with the throttle on, a burst of
// updates is shown at most once per interval and the last value always arrives; with it off, every
// value shows at once.
import { afterEach, expect, test } from 'vitest';
import { createElement, act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { useThrottledValue } from '../../../src/ui/useThrottledValue.ts';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const shown: number[] = [];
function Probe({ value, throttle, interval }: { value: number; throttle: boolean; interval: number }) {
  const v = useThrottledValue(value, throttle, interval);
  if (shown.at(-1) !== v) shown.push(v);
  return null;
}

let root: Root | null = null;
afterEach(() => {
  act(() => root?.unmount());
  root = null;
  shown.length = 0;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('throttled: a burst of 20 updates shows the first, then only the last once the interval has passed', async () => {
  root = createRoot(document.createElement('div'));
  const render = (value: number) => act(() => root!.render(createElement(Probe, { value, throttle: true, interval: 3000 })));
  render(0);
  const t0 = performance.now();
  for (let v = 1; v <= 20; v++) {
    render(v);
    await act(() => sleep(10));
  }
  // The first change shows at once (nothing shown for an interval); the rest wait (the burst took
  // ~0.2 s; a 3 s interval leaves room for a slow machine).
  expect(performance.now() - t0).toBeLessThan(3000);
  expect(shown).toEqual([0, 1]);
  await act(() => sleep(3000 - (performance.now() - t0) + 300));
  expect(shown).toEqual([0, 1, 20]);
});

test('not throttled: every value shows at once', async () => {
  root = createRoot(document.createElement('div'));
  for (let v = 0; v < 5; v++) act(() => root!.render(createElement(Probe, { value: v, throttle: false, interval: 10_000 })));
  expect(shown).toEqual([0, 1, 2, 3, 4]);
  // switching the throttle on later does not hold back a value already shown
  act(() => root!.render(createElement(Probe, { value: 4, throttle: true, interval: 10_000 })));
  expect(shown.at(-1)).toBe(4);
});
