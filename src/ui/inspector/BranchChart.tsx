// The original CoT's J trajectory with every shown branch drawn over it, x = CoT token position of
// each boundary (src/analysis/branchOverlay.ts): the shared prefix lines up, each fork is a dashed
// vertical line at its t.
import { useMemo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import type { Trajectory } from '../../repro/types.ts';
import { branchSeries, jPoints } from '../../analysis/branchOverlay.ts';
import { useInspector } from '../../store/inspectorStore.ts';
import { useBranches } from '../../store/branchStore.ts';
import { ChartCard } from '../ChartCard.tsx';
import { exact, useChartColors } from '../chartTheme.ts';

export function BranchChart({ t }: { t: Trajectory }) {
  const c = useChartColors();
  const branches = useInspector((s) => s.branches);
  const hidden = useBranches((s) => s.hidden);
  const original = useMemo(() => jPoints(t), [t]);
  const series = useMemo(() => branches.filter((b) => !hidden.includes(b.id)).map((b) => ({ n: branches.indexOf(b) + 1, ...branchSeries(t, b) })), [t, branches, hidden]);
  const colors = [c.c2, c.c3, c.c4, c.c1];
  return (
    <ChartCard title="J_k of the original and its branches vs CoT tokens before boundary k (dashed: forks)" testId="chart-branches" height={260}>
      <LineChart margin={{ top: 8, right: 16, bottom: 16, left: 8 }}>
        <CartesianGrid stroke={c.grid} strokeDasharray="3 3" />
        <XAxis dataKey="x" type="number" domain={['dataMin', 'dataMax']} allowDecimals={false} stroke={c.axis} tick={{ fill: c.axis, fontSize: 11 }}
          label={{ value: 'CoT tokens (boundary position)', position: 'insideBottom', offset: -8, fill: c.axis, fontSize: 11 }} />
        <YAxis stroke={c.axis} tick={{ fill: c.axis, fontSize: 11 }} domain={['auto', 'auto']} width={56} tickFormatter={(v: number) => Number(v.toPrecision(3)).toString()} />
        <Tooltip formatter={exact} labelFormatter={(x) => `${x} CoT tokens`} contentStyle={{ background: c.bg }} />
        <Legend verticalAlign="top" />
        {series.map((s) => (
          <ReferenceLine key={`fork-${s.id}`} x={s.forkX} stroke={colors[(s.n - 1) % colors.length]} strokeDasharray="4 4" />
        ))}
        <Line data={original} type="linear" dataKey="J" stroke={c.axis} strokeWidth={2} dot={original.length <= 60} isAnimationActive={false} name="original" />
        {series.map((s) => (
          <Line key={s.id} data={s.points} type="linear" dataKey="J" stroke={colors[(s.n - 1) % colors.length]} dot={s.points.length <= 60} isAnimationActive={false} name={`branch ${s.n} (t = ${s.forkX})`} />
        ))}
      </LineChart>
    </ChartCard>
  );
}
