// One dashboard chart: each run's raw line (faint while smoothing is on) with its EMA-smoothed
// line, an optional dashed evaluation series, a hover crosshair synced with every other chart
// (recharts syncId, by step value), the metric's definition on hover and PNG/SVG/CSV downloads.
// Receives data only; redraws one chart per main-thread task (../useStaggeredValue.ts).
import { useMemo, useRef } from 'react';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { exact, useChartColors } from '../chartTheme.ts';
import { MethodLink } from '../MethodLink.tsx';
import { defText, METRIC_DEFS, type MetricId } from './metricDefs.ts';
import { withSmoothed } from './smoothing.ts';
import { yDomain } from './chartDomain.ts';
import { downloadChartCsv, downloadPng, downloadSvg } from './chartExport.ts';
import { staggered } from '../useStaggeredValue.ts';

export interface DashSeries {
  key: string;
  label: string;
  color: string;
  /** evaluation points: dashed with dots, never smoothed */
  dashed?: boolean;
}

export interface DashChartProps {
  id: string;
  title: string;
  def: MetricId;
  rows: ({ step: number } & Record<string, number | null>)[];
  series: DashSeries[];
  smoothing: number;
  log: boolean;
  /** fixed y range (clip fraction 0–1); ignored on a log axis */
  domain?: [number, number];
  /** shown under the title (e.g. when the first evaluation comes) */
  note?: string | null;
  /** shown instead of an empty frame when there is nothing to draw */
  empty?: string | null;
  height?: number;
}

const SYNC_ID = 'training-dashboard';

// New data for every chart arrives together: each chart redraws in its own task.
export const DashboardChart = staggered(function DashboardChartBody(p: DashChartProps) {
  const c = useChartColors();
  const fig = useRef<HTMLElement>(null);
  const smoothKeys = p.series.filter((s) => !s.dashed).map((s) => s.key);
  const data = useMemo(() => withSmoothed(p.rows, smoothKeys, p.smoothing, p.log), [p.rows, smoothKeys.join('|'), p.smoothing, p.log]); // eslint-disable-line react-hooks/exhaustive-deps
  const hasPoints = p.rows.some((r) => p.series.some((s) => r[s.key] !== null && r[s.key] !== undefined));
  const stem = `${p.id}${p.smoothing > 0 ? `-ema${p.smoothing}` : ''}`;
  const def = METRIC_DEFS[p.def];
  return (
    <figure className="card chart-card dash-chart" data-testid={`chart-${p.id}`} ref={fig} style={{ margin: 0 }}>
      <figcaption className="dash-chart-head">
        <span className="chart-title" title={defText(p.def)} data-testid={`chart-title-${p.id}`}>
          {p.title} <span aria-hidden="true" className="info-dot">i</span>
        </span>
        {def.section && <MethodLink section={def.section} />}
        <span className="grow" />
        <span className="dash-downloads">
          <button type="button" disabled={!hasPoints} onClick={() => fig.current && void downloadPng(fig.current, p.title, stem, c.bg)} title="Download as PNG">PNG</button>
          <button type="button" disabled={!hasPoints} onClick={() => fig.current && downloadSvg(fig.current, p.title, stem, c.bg)} title="Download as SVG">SVG</button>
          <button type="button" disabled={!hasPoints} onClick={() => downloadChartCsv(data, p.series.flatMap((s) => (s.dashed || p.smoothing === 0 ? [s] : [s, { key: `${s.key}:smooth`, label: `${s.label} (EMA ${p.smoothing})` }])), stem)} title="Download the data as CSV" data-testid={`csv-${p.id}`}>CSV</button>
        </span>
      </figcaption>
      {p.note && <div className="muted dash-note" data-testid={`note-${p.id}`}>{p.note}</div>}
      {!hasPoints ? (
        <p className="muted dash-empty" style={{ height: p.height ?? 240 }} data-testid={`empty-${p.id}`}>{p.empty ?? 'No data yet.'}</p>
      ) : (
        <div style={{ width: '100%', height: p.height ?? 240 }}>
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={data} syncId={SYNC_ID} syncMethod="value" margin={{ top: 6, right: 14, bottom: 2, left: 2 }}>
              <CartesianGrid stroke={c.grid} strokeDasharray="3 3" />
              <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} stroke={c.axis} fontSize={11} allowDecimals={false} />
              <YAxis
                stroke={c.axis} fontSize={11} width={52}
                scale={p.log ? 'log' : 'auto'}
                domain={p.log ? ['auto', 'auto'] : (p.domain ?? yDomain(p.rows, p.series.map((s) => s.key)))}
                allowDataOverflow={p.log}
                tickFormatter={(v: number) => Number(v.toPrecision(3)).toString()}
              />
              <Tooltip formatter={exact} labelFormatter={(s) => `step ${String(s)}`} contentStyle={{ background: c.bg, fontSize: 12 }} cursor={{ stroke: c.cursor, strokeWidth: 1 }} />
              {p.series.map((s) =>
                s.dashed ? (
                  <Line key={s.key} dataKey={s.key} name={s.label} stroke={s.color} strokeDasharray="6 3" dot={{ r: 3 }} isAnimationActive={false} connectNulls />
                ) : (
                  <Line
                    key={s.key} dataKey={s.key} name={p.smoothing > 0 ? `${s.label} (raw)` : s.label} stroke={s.color}
                    strokeOpacity={p.smoothing > 0 ? 0.25 : 1} dot={false} isAnimationActive={false}
                  />
                ),
              )}
              {p.smoothing > 0 && p.series.filter((s) => !s.dashed).map((s) => (
                <Line key={`${s.key}:smooth`} dataKey={`${s.key}:smooth`} name={s.label} stroke={s.color} strokeWidth={2} dot={false} isAnimationActive={false} connectNulls />
              ))}
            </LineChart>
          </ResponsiveContainer>
        </div>
      )}
    </figure>
  );
}, 'DashboardChart');
