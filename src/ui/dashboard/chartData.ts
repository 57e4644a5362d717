// Pure helpers of the training screen: chart rows from run histories, speed and ETA, and the
// colour of a process reward in the samples panel. No React, no DOM.
import type { EvalMetrics, StepMetrics } from '../../rl/metrics.ts';

export interface RunSeries {
  id: string;
  metrics: StepMetrics[];
  evals: EvalMetrics[];
}

export type ChartRow = { step: number } & Record<string, number | null>;

/**
 * One row per step that any run reported, with each run's value under its id (null where a run
 * has no value: not there yet, or the metric is undefined, e.g. process reward with α = 0).
 * Non-finite values (a rejected step's loss) become null so charts show a gap, not a spike.
 */
export function chartRows(runs: RunSeries[], value: (m: StepMetrics) => number | null): ChartRow[] {
  return mergeRows(runs.map((r) => ({ id: r.id, points: r.metrics.map((m) => [m.step, value(m)] as const) })));
}

/** chartRows with each run's own context (its config) passed to `value`. */
export function chartRowsWith<C>(runs: (RunSeries & { ctx: C })[], value: (m: StepMetrics, ctx: C) => number | null): ChartRow[] {
  return mergeRows(runs.map((r) => ({ id: r.id, points: r.metrics.map((m) => [m.step, value(m, r.ctx)] as const) })));
}

/** The same over held-out evaluations. */
export function evalRows(runs: RunSeries[], value: (e: EvalMetrics) => number): ChartRow[] {
  return mergeRows(runs.map((r) => ({ id: r.id, points: r.evals.map((e) => [e.step, value(e)] as const) })));
}

function mergeRows(series: { id: string; points: (readonly [number, number | null])[] }[]): ChartRow[] {
  const byStep = new Map<number, ChartRow>();
  for (const s of series) {
    for (const [step, v] of s.points) {
      let row = byStep.get(step);
      if (!row) {
        row = { step } as ChartRow;
        for (const other of series) row[other.id] = null;
        byStep.set(step, row);
      }
      row[s.id] = v === null || !Number.isFinite(v) ? null : v;
    }
  }
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

/** Steps per second over the current running stretch; null before two data points. */
export function stepsPerSecond(stepNow: number, stepAtStart: number, startedAt: number | null, now: number): number | null {
  if (startedAt === null || stepNow <= stepAtStart || now <= startedAt) return null;
  return (stepNow - stepAtStart) / ((now - startedAt) / 1000);
}

/** Seconds left at the given speed; null when unknown. */
export function etaSeconds(stepNow: number, totalSteps: number, perSecond: number | null): number | null {
  if (perSecond === null || perSecond <= 0) return null;
  return Math.max(0, totalSteps - stepNow) / perSecond;
}

/** "1 h 02 min", "3 min 05 s", "12 s". */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '–';
  const s = Math.round(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
  if (s >= 60) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${s} s`;
}

/**
 * Background colour of a segment by its process reward r (repro-method.md §8): green for gain,
 * red for loss, opacity by |r| saturating at `scale`; transparent when unscored.
 */
export function rewardColor(r: number | null, scale = 0.5): string {
  if (r === null || !Number.isFinite(r)) return 'transparent';
  const a = Math.min(1, Math.abs(r) / scale) * 0.6;
  return r >= 0 ? `rgba(34, 160, 80, ${a.toFixed(3)})` : `rgba(210, 50, 50, ${a.toFixed(3)})`;
}
