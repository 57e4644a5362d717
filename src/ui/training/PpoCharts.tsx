// The PPO critic's charts (repro-method.md §11): value loss, explained variance and value-clip
// fraction, one line per PPO run; nothing when no PPO run is shown.
import type { StepMetrics } from '../../rl/metrics.ts';
import { chartRows, type RunSeries } from '../dashboard/chartData.ts';
import { MetricChart, type ChartSeries } from './MetricChart.tsx';

const CHARTS: { title: string; id: string; value: (m: StepMetrics) => number | null }[] = [
  { title: 'PPO value loss', id: 'value-loss', value: (m) => m.valueLoss ?? null },
  { title: 'PPO explained variance (1 = the critic predicts the returns)', id: 'explained-variance', value: (m) => m.explainedVariance ?? null },
  { title: 'PPO value-clip fraction', id: 'value-clip-frac', value: (m) => m.valueClipFrac ?? null },
];

/** `series` and `lines` of the PPO runs only (the caller filters by adv_estimator). */
export function PpoCharts({ series, lines }: { series: RunSeries[]; lines: ChartSeries[] }) {
  if (series.length === 0) return null;
  return (
    <>
      {CHARTS.map((c) => (
        <MetricChart key={c.id} title={c.title} rows={chartRows(series, c.value)} series={lines} testId={`chart-${c.id}`} />
      ))}
    </>
  );
}
