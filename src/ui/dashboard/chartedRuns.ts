// The runs a set of charts draws, kept as the same array while nothing drawn has changed.
import { useState } from 'react';
import type { RunView } from '../../store/trainingStore.ts';

/** What the charts draw of a run; the run object itself changes with every log line and status. */
const chartedParts = (r: RunView): unknown[] => [r.spec, r.metrics, r.evals];

/**
 * The shown runs, as the same array for as long as nothing the charts draw has changed: a log
 * line or a status change must not recompute every chart's rows (and redraw nine charts).
 */
export function useChartedRuns(runs: RunView[]): RunView[] {
  const visible = runs.filter((r) => !r.hidden);
  const [kept, setKept] = useState(visible);
  const same = kept.length === visible.length &&
    visible.every((r, i) => chartedParts(r).every((part, k) => Object.is(part, chartedParts(kept[i])[k])));
  if (same) return kept;
  setKept(visible); // a render-phase update of derived state: React re-renders at once, with the new array
  return visible;
}
