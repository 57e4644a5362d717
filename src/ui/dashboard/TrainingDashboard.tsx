// The training dashboard (W&B / TensorBoard style): one shared legend for the runs, a smoothing
// slider and a log-scale toggle that apply to every chart, a responsive grid of large charts whose
// hover crosshairs move together, and each run's config with a diff. Charts redraw at most every
// REDRAW_MS while runs are going (a redraw of every chart is one long main-thread task).
import { useMemo, useState } from 'react';
import type { RunView } from '../../store/trainingStore.ts';
import { useTraining } from '../../store/trainingStore.ts';
import { useChartColors } from '../chartTheme.ts';
import { useThrottledValue } from '../useThrottledValue.ts';
import { chartRows, chartRowsWith, evalRows, type ChartRow, type RunSeries } from './chartData.ts';
import { DashboardChart, type DashSeries } from './DashboardChart.tsx';
import { flatRuns, heldOutNote, STEP_CHARTS } from './trainingCharts.ts';
import { RunConfigPanel } from './RunConfigPanel.tsx';
import { useChartedRuns } from './chartedRuns.ts';

const REDRAW_MS = 1500;

/** Train reward per step and held-out accuracy per evaluation, on one step axis. */
function rewardRows(runs: RunSeries[]): ChartRow[] {
  const byStep = new Map<number, ChartRow>();
  for (const r of chartRows(runs, (m) => m.reward)) byStep.set(r.step, { ...r });
  for (const r of evalRows(runs, (e) => e.accuracy)) {
    const row = byStep.get(r.step) ?? ({ step: r.step } as ChartRow);
    for (const run of runs) row[`${run.id}:heldout`] = r[run.id];
    byStep.set(r.step, row);
  }
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

const hasProcessReward = (r: RunView) => r.spec.config.process_reward_coef > 0;

export function TrainingDashboard({ runs }: { runs: RunView[] }) {
  const c = useChartColors();
  const toggleHidden = useTraining((s) => s.toggleHidden);
  const [smoothing, setSmoothing] = useState(0.6);
  const [log, setLog] = useState(false);
  const running = runs.some((r) => r.status === 'running');
  const shownRuns = useThrottledValue(runs, running, REDRAW_MS);
  const palette = [c.c1, c.c2, c.c3, c.c4, c.c5, c.c6];
  const colorOf = (id: string) => palette[Math.max(0, runs.findIndex((r) => r.spec.runId === id)) % palette.length];
  const visible = useChartedRuns(shownRuns);

  const charts = useMemo(() => {
    const series = (rs: RunView[]): RunSeries[] => rs.map((r) => ({ id: r.spec.runId, metrics: r.metrics, evals: r.evals }));
    const lines = (rs: RunView[]): DashSeries[] => rs.map((r) => ({ key: r.spec.runId, label: r.spec.label, color: colorOf(r.spec.runId) }));
    const reward = {
      rows: rewardRows(series(visible)),
      series: visible.flatMap((r): DashSeries[] => [
        { key: r.spec.runId, label: `${r.spec.label} · train reward`, color: colorOf(r.spec.runId) },
        { key: `${r.spec.runId}:heldout`, label: `${r.spec.label} · held-out accuracy`, color: colorOf(r.spec.runId), dashed: true },
      ]),
      note: heldOutNote(visible.map((r) => ({ evalEvery: r.spec.config.eval_every, steps: r.spec.steps, evals: r.evals.length }))),
    };
    const step = STEP_CHARTS.map((spec) => {
      const measured = spec.processOnly ? visible.filter(hasProcessReward) : visible;
      // KL and clip fraction are zero by construction under the defaults: say why instead of a flat line.
      const flat = flatRuns(spec, measured.map((r) => ({ run: r, config: r.spec.config, label: r.spec.label })));
      const rs = flat.drawn.map((f) => f.run);
      const empty = spec.processOnly && measured.length === 0
        ? 'S(M) is measured only for runs with a process reward (α > 0, RePro); no shown run has one.'
        : flat.empty;
      const note = spec.processOnly && measured.length > 0 && measured.length < visible.length ? 'RePro runs only: outcome-only runs (α = 0) measure no S(M).' : flat.note;
      return { spec, rows: chartRowsWith(rs.map((r) => ({ id: r.spec.runId, metrics: r.metrics, evals: r.evals, ctx: r.spec.config })), spec.value), series: lines(rs), empty, note };
    });
    // Tokens after certainty is measured on held-out evaluations only (repro-method.md §10).
    const withEvals = visible.filter((r) => r.evals.length > 0);
    const every = visible.map((r) => r.spec.config.eval_every).filter((e) => e > 0);
    const tac = {
      rows: evalRows(series(withEvals), (e) => e.tokensAfterCertainty),
      series: lines(withEvals),
      empty: withEvals.length > 0 ? null : every.length === 0
        ? 'Not measured: tokens after certainty is measured on held-out evaluations, and these runs have none (eval_every = 0).'
        : `Not measured yet: the first held-out evaluation comes after step ${Math.min(...every)} (eval_every).`,
    };
    return { reward, step, tac };
  }, [visible, c]); // eslint-disable-line react-hooks/exhaustive-deps

  if (runs.length === 0) return null;
  return (
    <section className="dashboard" data-testid="dashboard">
      <div className="dash-toolbar card">
        <div className="dash-legend" data-testid="shared-legend" role="group" aria-label="Runs shown on every chart">
          {runs.map((r) => (
            <label key={r.spec.runId} className={r.hidden ? 'legend-item off' : 'legend-item'} title={r.hidden ? 'Hidden: click to show' : 'Click to hide on every chart'}>
              <input type="checkbox" checked={!r.hidden} onChange={() => toggleHidden(r.spec.runId)} />
              <span className="legend-swatch" style={{ background: colorOf(r.spec.runId) }} />
              {r.spec.label}
            </label>
          ))}
          <span className="muted legend-key">{smoothing > 0 ? 'bold: EMA-smoothed · faint: raw' : 'raw values'} · dashed: held-out evaluation</span>
        </div>
        <div className="row">
          <label title="Exponential moving average weight, as TensorBoard's smoothing slider (0 = raw)">
            Smoothing <input type="range" min={0} max={0.99} step={0.01} value={smoothing} onChange={(e) => setSmoothing(Number(e.target.value))} data-testid="smoothing" />
            <output data-testid="smoothing-value">{smoothing.toFixed(2)}</output>
          </label>
          <label title="Logarithmic y axes (values ≤ 0 are left out)">
            <input type="checkbox" checked={log} onChange={(e) => setLog(e.target.checked)} data-testid="log-scale" /> log scale
          </label>
        </div>
      </div>
      <div className="dash-grid">
        <DashboardChart
          id="reward" title="Reward (train) and held-out accuracy" def="reward" rows={charts.reward.rows} series={charts.reward.series}
          smoothing={smoothing} log={log} note={charts.reward.note} domain={[0, 1]}
        />
        <DashboardChart id="tokens-after-certainty" title="Tokens after certainty (held-out)" def="tokensAfterCertainty" rows={charts.tac.rows} series={charts.tac.series} smoothing={0} log={log} empty={charts.tac.empty} />
        {charts.step.map(({ spec, rows, series, empty, note }) => (
          <DashboardChart key={spec.id} id={spec.id} title={spec.title} def={spec.def} rows={rows} series={series} smoothing={smoothing} log={log} domain={spec.domain} empty={empty} note={note} />
        ))}
      </div>
      <RunConfigPanel runs={runs} colorOf={colorOf} />
    </section>
  );
}
