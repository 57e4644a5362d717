// Both J curves of a comparison overlaid (issue #17 §3): against the boundary k, and against the
// fraction of the CoT's tokens read, so CoTs of different lengths line up by progress too.
import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import { ChartCard } from '../ChartCard.tsx';
import { exact, useChartColors } from '../chartTheme.ts';
import { staggered } from '../useStaggeredValue.ts';
import type { CotComparison } from '../../analysis/compareCots.ts';

interface Props {
  curve: CotComparison['curve'];
  progress: CotComparison['progressCurve'];
  labelA: string;
  labelB: string;
}

export const CompareCharts = staggered(function CompareChartsBody({ curve, progress, labelA, labelB }: Props) {
  const c = useChartColors();
  const axis = { stroke: c.axis, tick: { fill: c.axis, fontSize: 11 } };
  const y = <YAxis {...axis} domain={['auto', 'auto']} width={56} tickFormatter={(v: number) => Number(v.toPrecision(3)).toString()} />;
  const lines = (dots: boolean) => [
    <Line key="A" type="linear" dataKey="A" stroke={c.c1} dot={dots} connectNulls isAnimationActive={false} name={`A: ${labelA}`} />,
    <Line key="B" type="linear" dataKey="B" stroke={c.c2} strokeDasharray="6 3" dot={dots} connectNulls isAnimationActive={false} name={`B: ${labelB}`} />,
  ];
  return (
    <div className="grid-2" data-testid="compare-charts">
      <ChartCard title="J_k vs boundary k (A solid, B dashed)" testId="compare-chart-k">
        <LineChart data={curve} margin={{ top: 8, right: 16, bottom: 4, left: 8 }}>
          <CartesianGrid stroke={c.grid} strokeDasharray="3 3" />
          <XAxis dataKey="k" {...axis} type="number" domain={['dataMin', 'dataMax']} allowDecimals={false} />
          {y}
          <Tooltip formatter={exact} labelFormatter={(k) => `k = ${k}`} contentStyle={{ background: c.bg }} />
          <Legend />
          {lines(curve.length <= 60)}
        </LineChart>
      </ChartCard>
      <ChartCard title="J vs fraction of the CoT's tokens read" testId="compare-chart-progress">
        <LineChart data={progress} margin={{ top: 8, right: 16, bottom: 4, left: 8 }}>
          <CartesianGrid stroke={c.grid} strokeDasharray="3 3" />
          <XAxis dataKey="x" {...axis} type="number" domain={[0, 1]} tickFormatter={(v: number) => `${Math.round(v * 100)}%`} />
          {y}
          <Tooltip formatter={exact} labelFormatter={(x) => `${(Number(x) * 100).toFixed(1)} % of the tokens`} contentStyle={{ background: c.bg }} />
          <Legend />
          {lines(progress.length <= 60)}
        </LineChart>
      </ChartCard>
    </div>
  );
}, 'CompareCharts');
