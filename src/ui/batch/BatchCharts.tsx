// Aggregate charts of a batch: CoT length and backtracking histograms, mean J vs normalised
// position (all / correct / wrong), and §10 metrics of correct vs wrong responses. Rows scored
// although the model cannot represent them are drawn as their own ⚠ series (analysis/batchCharts.ts).
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
import type { BatchRow } from '../../analysis/batchRows.ts';
import { batchChartData, type GroupBar, type MeanJPoint, type SplitBin } from '../../analysis/batchCharts.ts';
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
  const data = useMemo(() => batchChartData(rows, results), [rows, results]);
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
  const flaggedName = data.flagged > 0 ? `⚠ not representable (${data.flagged})` : null;
  const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);
  return (
    <>
      {(data.flagged > 0 || data.notScored > 0) && (
        <p className={data.flagged > 0 ? 'flag' : 'muted'} data-testid="batch-charts-note">
          {data.flagged > 0 &&
            `⚠ ${data.flagged} ${plural(data.flagged, 'row', 'rows')} the model cannot represent ${plural(data.flagged, 'was', 'were')} scored anyway: ` +
              `the charts draw ${plural(data.flagged, 'it', 'them')} apart, as “${flaggedName}”, never in the other series; ${plural(data.flagged, 'its', 'their')} numbers are not meaningful. `}
          {data.notScored > 0 &&
            `${data.notScored} ${plural(data.notScored, 'row was', 'rows were')} not scored (the model cannot represent ${plural(data.notScored, 'it', 'them')}) and ${plural(data.notScored, 'is', 'are')} in no chart.`}
        </p>
      )}
      {data.scored + data.flagged > 0 && (
        <div className="grid-2" data-testid="batch-charts">
          {mounted > 0 && <HistogramCard title="CoT length (tokens)" bins={data.lengths} color="c1" flaggedName={flaggedName} />}
          {mounted > 1 && <HistogramCard title="Backtracking segments per response" bins={data.backtracking} color="c2" flaggedName={flaggedName} />}
          {mounted > 2 && <MeanJCard points={data.meanJ} anyCorrectness={data.anyCorrectness} anyScored={data.scored > 0} flaggedName={flaggedName} />}
          {mounted > 3 && data.anyCorrectness && <GroupsCard groups={data.groups} />}
        </div>
      )}
    </>
  );
});

// One component per chart, each redrawing in its own task when new results arrive (../useStaggeredValue.ts).
function useAxis() {
  const c = useChartColors();
  return { c, axis: { stroke: c.axis, tick: { fill: c.axis, fontSize: 11 } }, tip: { formatter: exact, contentStyle: { background: c.bg } } };
}

const HistogramCard = staggered(function HistogramCardBody({ title, bins, color, flaggedName }: { title: string; bins: SplitBin[]; color: 'c1' | 'c2'; flaggedName: string | null }) {
  const { c, axis, tip } = useAxis();
  return (
    <ChartCard title={title}>
      <BarChart data={bins}>
        <CartesianGrid stroke={c.grid} strokeDasharray="3 3" />
        <XAxis dataKey="label" {...axis} />
        <YAxis allowDecimals={false} {...axis} />
        <Tooltip {...tip} />
        {flaggedName && <Legend />}
        <Bar dataKey="count" name={flaggedName ? 'representable' : 'count'} stackId="rows" fill={c[color]} isAnimationActive={false} />
        {flaggedName && <Bar dataKey="flagged" name={flaggedName} stackId="rows" fill={c.warn} isAnimationActive={false} className="flagged-series" />}
      </BarChart>
    </ChartCard>
  );
}, 'HistogramCard');

const MeanJCard = staggered(function MeanJCardBody({ points, anyCorrectness, anyScored, flaggedName }: { points: MeanJPoint[]; anyCorrectness: boolean; anyScored: boolean; flaggedName: string | null }) {
  const { c, axis, tip } = useAxis();
  return (
    <ChartCard title="Mean J vs normalised position in the CoT (0 = baseline, 1 = end)">
      <LineChart data={points}>
        <CartesianGrid stroke={c.grid} strokeDasharray="3 3" />
        <XAxis dataKey="p" type="number" domain={[0, 1]} {...axis} />
        <YAxis {...axis} width={56} tickFormatter={(v: number) => Number(v.toPrecision(3)).toString()} />
        <Tooltip {...tip} />
        <Legend />
        {anyScored && <Line dataKey="all" stroke={c.c1} dot={false} isAnimationActive={false} connectNulls />}
        {anyCorrectness && <Line dataKey="correct" stroke={c.pos} dot={false} isAnimationActive={false} connectNulls />}
        {anyCorrectness && <Line dataKey="wrong" stroke={c.neg} dot={false} isAnimationActive={false} connectNulls />}
        {flaggedName && <Line dataKey="flagged" name={flaggedName} stroke={c.warn} strokeDasharray="6 4" dot={false} isAnimationActive={false} connectNulls className="flagged-series" />}
      </LineChart>
    </ChartCard>
  );
}, 'MeanJCard');

const GroupsCard = staggered(function GroupsCardBody({ groups }: { groups: GroupBar[] }) {
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
