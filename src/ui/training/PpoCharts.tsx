// The PPO critic's charts (repro-method.md §11): value loss, explained variance and value-clip
// fraction, one line per PPO run; nothing when no PPO run is shown.
import { memo, useMemo } from 'react';
import type { StepMetrics } from '../../rl/metrics.ts';
import type { RunView } from '../../store/trainingStore.ts';
import { chartRows, type RunSeries } from '../dashboard/chartData.ts';
import { MetricChart, type ChartSeries } from './MetricChart.tsx';

const CHARTS: { title: string; id: string; value: (m: StepMetrics) => number | null }[] = [
  { title: 'PPO value loss', id: 'value-loss', value: (m) => m.valueLoss ?? null },
  { title: 'PPO explained variance (1 = the critic predicts the returns)', id: 'explained-variance', value: (m) => m.explainedVariance ?? null },
  { title: 'PPO value-clip fraction', id: 'value-clip-frac', value: (m) => m.valueClipFrac ?? null },
];

/** The shown PPO runs (the caller filters by adv_estimator; an array that changes only with their data). */
export const PpoCharts = memo(function PpoCharts({ runs }: { runs: RunView[] }) {
  const charts = useMemo(() => {
    const series: RunSeries[] = runs.map((r) => ({ id: r.spec.runId, metrics: r.metrics, evals: r.evals }));
    const lines: ChartSeries[] = runs.map((r, i) => ({ key: r.spec.runId, label: r.spec.label, colorIndex: i }));
    return CHARTS.map((c) => ({ ...c, rows: chartRows(series, c.value), lines }));
  }, [runs]);
  if (runs.length === 0) return null;
  return (
    <>
      {charts.map((c) => (
        <MetricChart key={c.id} title={c.title} rows={c.rows} series={c.lines} testId={`chart-${c.id}`} />
      ))}
    </>
  );
});
