// A training run's metric history as CSV or JSON (per-step metrics and held-out evaluations).
import type { EvalMetrics, StepMetrics } from '../rl/metrics.ts';
import { toCsv } from './toCsv.ts';
import { toJson } from './toJson.ts';

export interface MetricsHistory {
  runId: string;
  label: string;
  steps: readonly StepMetrics[];
  evals: readonly EvalMetrics[];
}

/** One row per step ("kind": "step", timings flattened as timings.*), then one per evaluation. */
export function metricsRows(h: MetricsHistory): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (const s of h.steps) {
    const { timings, ...rest } = s;
    const row: Record<string, unknown> = { kind: 'step', ...rest };
    for (const [k, v] of Object.entries(timings)) row[`timings.${k}`] = v;
    rows.push(row);
  }
  for (const e of h.evals) rows.push({ kind: 'eval', ...e });
  return rows;
}

/** CSV with a column per metric; a NaN (e.g. a rejected update's loss) is written as NaN, which pandas reads back. */
export function metricsToCsv(h: MetricsHistory): string {
  return toCsv(metricsRows(h));
}

/**
 * JSON: {runId, label, steps, evals, nonFinite}. JSON has no NaN, so each non-finite number is
 * written as null and its path listed in `nonFinite` (never a silent null).
 */
export function metricsToJson(h: MetricsHistory): string {
  const nonFinite: string[] = [];
  const clean = (v: unknown, path: string): unknown => {
    if (typeof v === 'number' && !Number.isFinite(v)) {
      nonFinite.push(`${path} = ${v}`);
      return null;
    }
    if (Array.isArray(v)) return v.map((x, i) => clean(x, `${path}[${i}]`));
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clean(x, `${path}.${k}`)]));
    return v;
  };
  const steps = clean(h.steps, 'steps');
  const evals = clean(h.evals, 'evals');
  return toJson({ runId: h.runId, label: h.label, steps, evals, nonFinite });
}
