// A value that follows `value`, but whose updates are released one per main-thread task across
// every component using this hook: nine charts that get new data together redraw in nine short
// tasks instead of one long one (a recharts redraw is ~50–150 ms on a slow machine, so nine at
// once blocked input for a second). Each release renders synchronously (flushSync) inside its
// own setTimeout task, so the next chart cannot join the same task.
import { createElement, memo, useEffect, useState, type ReactElement } from 'react';
import { flushSync } from 'react-dom';

type Release = () => void;
const queue: Release[] = [];
let scheduled = false;

function pump(): void {
  const next = queue.shift();
  if (!next) {
    scheduled = false;
    return;
  }
  next();
  setTimeout(pump, 0);
}

function enqueue(release: Release): () => void {
  queue.push(release);
  if (!scheduled) {
    scheduled = true;
    setTimeout(pump, 0);
  }
  return () => {
    const i = queue.indexOf(release);
    if (i >= 0) queue.splice(i, 1);
  };
}

/** Updates waiting for their task (tests; a busy queue is also visible as stale charts). */
export const staggeredPending = (): number => queue.length;

export function useStaggeredValue<T>(value: T): T {
  const [shown, setShown] = useState(value);
  useEffect(() => {
    if (Object.is(value, shown)) return;
    // One queue entry per component: a newer value replaces the waiting one (the cleanup takes it
    // out), so a chart never redraws twice for one burst.
    return enqueue(() => flushSync(() => setShown(value)));
  }, [value, shown]);
  return shown;
}

/**
 * `Body` behind a staggered copy of its props: the outer component re-renders when the props
 * change, but `Body` (memoised) only when its turn in the queue comes — a re-render of the outer
 * part with the old props costs nothing.
 */
export function staggered<P extends object>(Body: (props: P) => ReactElement | null, name: string): (props: P) => ReactElement {
  const Inner = memo(Body);
  const Outer = (props: P) => createElement(Inner, useStaggeredValue(props));
  Outer.displayName = name;
  return memo(Outer) as unknown as (props: P) => ReactElement;
}
