// useStaggeredValue / staggered() in a real React root (headless Chromium): when several charts
// get new data together, each redraws in its own main-thread task (one per setTimeout turn), in
// order, the last value always arrives, and a body whose turn has not come does not re-render.
import { afterEach, expect, test } from 'vitest';
import { createElement, act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { staggered, staggeredPending, useStaggeredValue } from '../../../src/ui/useStaggeredValue.ts';

/** Each render: which component, which value, and in which task (renders before the same microtask checkpoint share one). */
const renders: { id: number; value: number; task: number }[] = [];
let tasks = 0;
let open: number | null = null;
function taskNow(): number {
  if (open === null) {
    open = ++tasks;
    queueMicrotask(() => { open = null; });
  }
  return open;
}

function Probe({ id, value }: { id: number; value: number }) {
  const v = useStaggeredValue(value);
  renders.push({ id, value: v, task: taskNow() });
  return null;
}

const Body = staggered(function Body({ id, value }: { id: number; value: number }) {
  renders.push({ id: 100 + id, value, task: taskNow() });
  return null;
}, 'Body');

function Charts({ value }: { value: number }) {
  return createElement('div', null, [0, 1, 2].map((id) => createElement(Probe, { key: id, id, value })));
}

let root: Root | null = null;
afterEach(() => {
  root?.unmount();
  root = null;
  renders.length = 0;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('three charts updated together redraw one per task, in order', async () => {
  root = createRoot(document.createElement('div'));
  act(() => root!.render(createElement(Charts, { value: 0 })));
  renders.length = 0;
  root.render(createElement(Charts, { value: 1 })); // outside act: the real scheduler
  const updates = () => renders.filter((r) => r.value === 1);
  for (let i = 0; i < 100 && (staggeredPending() > 0 || updates().length < 3); i++) await sleep(5);
  expect(updates().map((r) => r.id)).toEqual([0, 1, 2]);
  // one chart per task: the three redraws happened in three different tasks, none in the one that
  // brought the new value
  const outer = renders.find((r) => r.value === 0)!.task;
  expect(new Set(updates().map((r) => r.task)).size).toBe(3);
  for (const u of updates()) expect(u.task).not.toBe(outer);
  expect(staggeredPending()).toBe(0);
});

function Parent({ value }: { value: number }) {
  renders.push({ id: -1, value, task: taskNow() });
  return createElement(Body, { id: 1, value });
}

test('staggered(): the body re-renders in a later task than its parent, once per value', async () => {
  root = createRoot(document.createElement('div'));
  act(() => root!.render(createElement(Parent, { value: 0 })));
  expect(renders.map((r) => [r.id, r.value])).toEqual([[-1, 0], [101, 0]]); // a mount is not held back
  renders.length = 0;
  root.render(createElement(Parent, { value: 1 }));
  await sleep(30);
  root.render(createElement(Parent, { value: 2 }));
  for (let i = 0; i < 100 && !(renders.at(-1)?.id === 101 && renders.at(-1)?.value === 2); i++) await sleep(5);
  await sleep(30);
  const parent = renders.filter((r) => r.id === -1);
  const body = renders.filter((r) => r.id === 101);
  expect(parent.map((r) => r.value)).toEqual([1, 2]);
  expect(body.map((r) => r.value)).toEqual([1, 2]); // once per value, never twice
  // each body render came in another task than the parent render that brought its props
  for (const b of body) expect(b.task).not.toBe(parent.find((p) => p.value === b.value)!.task);
});
