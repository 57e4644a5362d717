// The inspector's charts (recharts): J_k with the J_0 baseline, magnitude / stability / process
// score S(k), per-segment process rewards, per-token entropy — each with a cursor at the step.
import { useMemo } from 'react';
import { ChartCard } from '../ChartCard.tsx';
import { Bar, BarChart, CartesianGrid, Cell, Legend, Line, LineChart, ReferenceArea, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import type { Trajectory } from '../../repro/types.ts';
import type { InspectionAnalysis } from '../../analysis/inspectionAnalysis.ts';
import { exact, useChartColors, type ChartColors } from '../chartTheme.ts';

/** Entropy points drawn at most (max per bin), so 10 000-token CoTs stay responsive. */
const MAX_ENTROPY_POINTS = 1500;

interface Props {
  t: Trajectory;
  a: InspectionAnalysis;
  step: number;
}

export function InspectorCharts({ t, a, step }: Props) {
  const c = useChartColors();
  const jData = useMemo(() => t.J.map((J, k) => ({ k, J })), [t]);
  const scoreData = useMemo(
    () => a.boundaries.map((k, j) => ({ k, magnitude: a.magnitude[j], stability: a.stability[j], score: a.score[j] })),
    [a],
  );
  const rewardData = useMemo(() => a.kept.map((s) => ({ segment: s + 1, reward: a.rewardBySegment[s] ?? 0 })), [a]);
  const entropyData = useMemo(() => downsample(t.tokenEntropy, MAX_ENTROPY_POINTS), [t]);
  const cur = step > 0 ? t.tokenSpans[step - 1] : null;
  return (
    <div className="grid-2" data-testid="charts">
      <ChartCard title="Objective J_k (mean log p of the answer) vs boundary k" testId="chart-j">
        <LineChart data={jData} margin={{ top: 8, right: 16, bottom: 4, left: 8 }}>
          <Axes c={c} x="k" />
          <ReferenceLine y={t.J[0]} stroke={c.axis} strokeDasharray="4 4" label={{ value: 'J₀ baseline', fill: c.axis, fontSize: 11, position: 'insideTopRight' }} />
          <ReferenceLine x={step} stroke={c.cursor} />
          <Tooltip formatter={exact} labelFormatter={(k) => `k = ${k}`} contentStyle={{ background: c.bg }} />
          <Line type="linear" dataKey="J" stroke={c.c1} dot={t.J.length <= 60} isAnimationActive={false} name="J_k" />
        </LineChart>
      </ChartCard>
      <ChartCard title="Magnitude, stability and process score S(k) (on kept boundaries)" testId="chart-scores">
        <LineChart data={scoreData} margin={{ top: 8, right: 16, bottom: 4, left: 8 }}>
          <Axes c={c} x="k" domain={[-1, 1]} />
          <ReferenceLine y={0} stroke={c.axis} />
          <ReferenceLine x={step} stroke={c.cursor} />
          <Tooltip formatter={exact} labelFormatter={(k) => `k = ${k}`} contentStyle={{ background: c.bg }} />
          <Legend />
          <Line type="linear" dataKey="magnitude" stroke={c.c2} dot={false} isAnimationActive={false} name="S_magn" />
          <Line type="linear" dataKey="stability" stroke={c.c3} dot={false} isAnimationActive={false} name="S_stab" />
          <Line type="linear" dataKey="score" stroke={c.c4} strokeWidth={2} dot={scoreData.length <= 60} isAnimationActive={false} name="S(k)" />
        </LineChart>
      </ChartCard>
      <ChartCard title="Process reward r per kept segment" testId="chart-rewards">
        <BarChart data={rewardData} margin={{ top: 8, right: 16, bottom: 4, left: 8 }}>
          <Axes c={c} x="segment" category domain={[(lo) => Math.min(0, lo), (hi) => Math.max(0, hi)]} />
          <ReferenceLine y={0} stroke={c.axis} />
          {step > 0 && <ReferenceLine x={step} stroke={c.cursor} />}
          <Tooltip formatter={exact} labelFormatter={(s) => `segment ${s}`} contentStyle={{ background: c.bg }} />
          <Bar dataKey="reward" isAnimationActive={false} name="r">
            {rewardData.map((d) => (
              <Cell key={d.segment} fill={d.reward >= 0 ? c.pos : c.neg} />
            ))}
          </Bar>
        </BarChart>
      </ChartCard>
      <ChartCard title="Per-token entropy (nats); shaded: the current segment" testId="chart-entropy">
        <LineChart data={entropyData} margin={{ top: 8, right: 16, bottom: 4, left: 8 }}>
          <Axes c={c} x="i" />
          {cur && cur.end > cur.start && <ReferenceArea x1={cur.start} x2={cur.end - 1} fill={c.cursor} fillOpacity={0.15} />}
          <Tooltip formatter={exact} labelFormatter={(i) => `token ${i}`} contentStyle={{ background: c.bg }} />
          <Line type="linear" dataKey="H" stroke={c.c2} dot={false} isAnimationActive={false} name="H" />
        </LineChart>
      </ChartCard>
    </div>
  );
}

type Bound = number | ((v: number) => number);

function Axes({ c, x, domain, category }: { c: ChartColors; x: string; domain?: [Bound, Bound]; category?: boolean }) {
  return (
    <>
      <CartesianGrid stroke={c.grid} strokeDasharray="3 3" />
      {category ? (
        <XAxis dataKey={x} stroke={c.axis} tick={{ fill: c.axis, fontSize: 11 }} type="category" />
      ) : (
        <XAxis dataKey={x} stroke={c.axis} tick={{ fill: c.axis, fontSize: 11 }} type="number" domain={['dataMin', 'dataMax']} allowDecimals={false} />
      )}
      <YAxis stroke={c.axis} tick={{ fill: c.axis, fontSize: 11 }} domain={domain ?? ['auto', 'auto']} width={56} tickFormatter={(v: number) => Number(v.toPrecision(3)).toString()} />
    </>
  );
}

/** At most n points: the max of each bin (peaks are what matter in an entropy trace). */
function downsample(values: number[], n: number): { i: number; H: number }[] {
  if (values.length <= n) return values.map((H, i) => ({ i, H }));
  const bin = Math.ceil(values.length / n);
  const out = [];
  for (let b = 0; b < values.length; b += bin) {
    let best = b;
    for (let i = b; i < Math.min(values.length, b + bin); i++) if (values[i] > values[best]) best = i;
    out.push({ i: best, H: values[best] });
  }
  return out;
}
