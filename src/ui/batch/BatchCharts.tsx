// Aggregate charts of a batch: CoT length and backtracking histograms, mean J vs normalised
// position (all / correct / wrong), and §10 metrics of correct vs wrong responses.
// Results stream in one by one during a run: the charts redraw at most every CHART_INTERVAL_MS
// while it runs (a recharts redraw is a long main-thread task: ~0.2–0.4 s in a dev build on a slow
// machine, and a fast model delivers several results a second), from deferred copies in a
// background render.
import { memo, startTransition, useDeferredValue, useEffect, useMemo, useState } from 'react';
import { ChartCard } from '../ChartCard.tsx';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import { useShallow } from 'zustand/react/shallow';
import { useBatch } from '../../store/batchStore.ts';
import { useThrottledValue } from '../useThrottledValue.ts';
import { histogram, meanJByPosition, type BatchRow } from '../../analysis/batchRows.ts';
import type { BatchItemResult } from '../../worker/api.ts';
import { exact, useChartColors } from '../chartTheme.ts';
import { staggered } from '../useStaggeredValue.ts';

const CHART_INTERVAL_MS = 2000;
const CHART_COUNT = 4;

export function BatchCharts() {
  const running = useBatch((s) => s.running !== null);
  const latest = useBatch(useShallow((s) => ({ rows: s.rows, results: s.results })));
  const { rows, results } = useDeferredValue(useThrottledValue(latest, running, CHART_INTERVAL_MS));
  // Unmounted while empty, so every new set of results mounts its charts one by one again.
  return rows.length === 0 ? null : <BatchChartsView rows={rows} results={results} />;
}

const BatchChartsView = memo(function BatchChartsView({ rows, results }: { rows: BatchRow[]; results: BatchItemResult[] }) {
  const data = useMemo(() => {
    const ok = rows.filter((r) => r.cotTokens !== null);
    const J = (pred: (i: number) => boolean) => results.filter((r, i) => r.trajectory && pred(i)).map((r) => r.trajectory!.J);
    const all = meanJByPosition(J(() => true));
    const right = meanJByPosition(J((i) => rows[i]?.correct === true));
    const wrong = meanJByPosition(J((i) => rows[i]?.correct === false));
    const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
    const groups = (['correct', 'wrong'] as const).map((g) => {
      const rs = ok.filter((r) => r.correct === (g === 'correct'));
      return {
        group: `${g} (${rs.length})`,
        cotTokens: mean(rs.map((r) => r.cotTokens!)),
        backtracking: mean(rs.map((r) => r.backtracking!)),
        tokensAfterCertainty: mean(rs.map((r) => r.tokensAfterCertainty!)),
      };
    });
    return {
      lengths: histogram(ok.map((r) => r.cotTokens!)),
      backtracking: histogram(ok.map((r) => r.backtracking!)),
      meanJ: all.map((p, i) => ({ p: p.p, all: p.meanJ, correct: right[i].meanJ, wrong: wrong[i].meanJ })),
      groups,
      anyCorrectness: ok.some((r) => r.correct !== null),
    };
  }, [rows, results]);
  // One chart mounts per task: a recharts mount is ~0.2 s of main-thread work in a dev build, and
  // four at once made one ~1 s task.
  // The first too: it would share a task with the results table's first row.
  const [mounted, setMounted] = useState(0);
  useEffect(() => {
    if (mounted >= CHART_COUNT) return;
    // a transition: the mount renders in slices the page can interrupt
    const timer = setTimeout(() => startTransition(() => setMounted((m) => m + 1)), 0);
    return () => clearTimeout(timer);
  }, [mounted]);
  return (
    <div className="grid-2" data-testid="batch-charts">
      {mounted > 0 && <HistogramCard title="CoT length (tokens)" bins={data.lengths} color="c1" />}
      {mounted > 1 && <HistogramCard title="Backtracking segments per response" bins={data.backtracking} color="c2" />}
      {mounted > 2 && <MeanJCard points={data.meanJ} anyCorrectness={data.anyCorrectness} />}
      {mounted > 3 && data.anyCorrectness && <GroupsCard groups={data.groups} />}
    </div>
  );
});

// One component per chart, each redrawing in its own task when new results arrive (../useStaggeredValue.ts).
function useAxis() {
  const c = useChartColors();
  return { c, axis: { stroke: c.axis, tick: { fill: c.axis, fontSize: 11 } }, tip: { formatter: exact, contentStyle: { background: c.bg } } };
}

const HistogramCard = staggered(function HistogramCardBody({ title, bins, color }: { title: string; bins: { label: string; count: number }[]; color: 'c1' | 'c2' }) {
  const { c, axis, tip } = useAxis();
  return (
    <ChartCard title={title}>
      <BarChart data={bins}>
        <CartesianGrid stroke={c.grid} strokeDasharray="3 3" />
        <XAxis dataKey="label" {...axis} />
        <YAxis allowDecimals={false} {...axis} />
        <Tooltip {...tip} />
        <Bar dataKey="count" fill={c[color]} isAnimationActive={false} />
      </BarChart>
    </ChartCard>
  );
}, 'HistogramCard');

type MeanJPoint = { p: number; all: number | null; correct: number | null; wrong: number | null };

const MeanJCard = staggered(function MeanJCardBody({ points, anyCorrectness }: { points: MeanJPoint[]; anyCorrectness: boolean }) {
  const { c, axis, tip } = useAxis();
  return (
    <ChartCard title="Mean J vs normalised position in the CoT (0 = baseline, 1 = end)">
      <LineChart data={points}>
        <CartesianGrid stroke={c.grid} strokeDasharray="3 3" />
        <XAxis dataKey="p" type="number" domain={[0, 1]} {...axis} />
        <YAxis {...axis} width={56} tickFormatter={(v: number) => Number(v.toPrecision(3)).toString()} />
        <Tooltip {...tip} />
        <Legend />
        <Line dataKey="all" stroke={c.c1} dot={false} isAnimationActive={false} connectNulls />
        {anyCorrectness && <Line dataKey="correct" stroke={c.pos} dot={false} isAnimationActive={false} connectNulls />}
        {anyCorrectness && <Line dataKey="wrong" stroke={c.neg} dot={false} isAnimationActive={false} connectNulls />}
      </LineChart>
    </ChartCard>
  );
}, 'MeanJCard');

type Group = { group: string; cotTokens: number; backtracking: number; tokensAfterCertainty: number };

const GroupsCard = staggered(function GroupsCardBody({ groups }: { groups: Group[] }) {
  const { c, axis, tip } = useAxis();
  return (
    <ChartCard title="Correct vs wrong: mean CoT tokens, backtracking, tokens after certainty">
      <BarChart data={groups}>
        <CartesianGrid stroke={c.grid} strokeDasharray="3 3" />
        <XAxis dataKey="group" {...axis} />
        <YAxis {...axis} />
        <Tooltip {...tip} />
        <Legend />
        <Bar dataKey="cotTokens" fill={c.c1} isAnimationActive={false} />
        <Bar dataKey="backtracking" fill={c.c2} isAnimationActive={false} />
        <Bar dataKey="tokensAfterCertainty" fill={c.c4} isAnimationActive={false} />
      </BarChart>
    </ChartCard>
  );
}, 'GroupsCard');
