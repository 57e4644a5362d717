// One live metric chart: a line per visible run (and, optionally, its held-out series dashed).
// Receives data only; never reaches into the worker or GPU buffers.
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { exact, useChartColors } from '../chartTheme.ts';
import type { ChartRow } from '../dashboard/chartData.ts';
import { staggered } from '../useStaggeredValue.ts';

export interface ChartSeries {
  /** key in the rows */
  key: string;
  label: string;
  colorIndex: number;
  dashed?: boolean;
}

// One chart redraw per main-thread task (../useStaggeredValue.ts).
export const MetricChart = staggered(function MetricChartBody({ title, rows, series, testId, height = 180 }: { title: string; rows: ChartRow[]; series: ChartSeries[]; testId: string; height?: number }) {
  const c = useChartColors();
  const palette = [c.c1, c.c2, c.c3, c.c4];
  return (
    <div className="chart-card" data-testid={testId}>
      <div className="chart-title">{title}</div>
      {rows.length === 0 ? (
        <p className="muted">No data yet.</p>
      ) : (
        <ResponsiveContainer width="100%" height={height}>
          <LineChart data={rows} margin={{ top: 4, right: 12, bottom: 4, left: 0 }}>
            <CartesianGrid stroke={c.grid} strokeDasharray="3 3" />
            <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} stroke={c.axis} fontSize={11} />
            <YAxis stroke={c.axis} fontSize={11} width={44} />
            <Tooltip formatter={exact} labelFormatter={(s) => `step ${String(s)}`} contentStyle={{ background: c.bg }} />
            <Legend wrapperStyle={{ fontSize: 11 }} />
            {series.map((s) => (
              <Line
                key={s.key}
                dataKey={s.key}
                name={s.label}
                stroke={palette[s.colorIndex % palette.length]}
                strokeDasharray={s.dashed ? '5 3' : undefined}
                dot={false}
                isAnimationActive={false}
                connectNulls={s.dashed}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      )}
    </div>
  );
}, 'MetricChart');
