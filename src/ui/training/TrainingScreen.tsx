// The training screen: GRPO outcome-only vs GRPO + RePro from the bundled SFT checkpoint, same
// seed, live charts overlaid, samples of the latest step, resume of saved runs.
import { useEffect, useState } from 'react';
import { useTraining } from '../../store/trainingStore.ts';
import type { EvalMetrics, StepMetrics } from '../../rl/metrics.ts';
import { chartRows, evalRows, type ChartRow, type RunSeries } from './chartData.ts';
import { MetricChart, type ChartSeries } from './MetricChart.tsx';
import { RunTable } from './RunTable.tsx';
import { SamplesPanel } from './SamplesPanel.tsx';
import { VerlExportButton } from '../export/VerlExportButton.tsx';
import { DEFAULT_RUN_SETTINGS, RunSettings, type RunSettingsValue } from './RunSettings.tsx';

// Dev/test builds only: e2e tests read the runs' metric histories from the store.
if (import.meta.env.DEV && typeof window !== 'undefined') {
  (window as unknown as { __reproTraining?: typeof useTraining }).__reproTraining = useTraining;
}

const STEP_CHARTS: { title: string; id: string; value: (m: StepMetrics) => number | null }[] = [
  { title: 'Response tokens', id: 'response-tokens', value: (m) => m.responseTokens },
  { title: 'Backtracking segments per response', id: 'backtracking', value: (m) => m.backtracking },
  { title: 'Process reward S(M)', id: 'process-reward', value: (m) => m.processReward },
  { title: 'KL to reference', id: 'kl', value: (m) => m.kl },
  { title: 'Clip fraction', id: 'clip-frac', value: (m) => m.clipFrac },
  { title: 'Entropy (nats)', id: 'entropy', value: (m) => m.entropy },
  { title: 'Loss', id: 'loss', value: (m) => m.loss },
  { title: 'Grad norm', id: 'grad-norm', value: (m) => m.gradNorm },
];

/** Train reward per step and held-out accuracy per evaluation, on one step axis. */
function rewardRows(runs: RunSeries[]): ChartRow[] {
  const train = chartRows(runs, (m) => m.reward);
  const held = evalRows(runs, (e: EvalMetrics) => e.accuracy);
  const byStep = new Map<number, ChartRow>();
  for (const r of train) byStep.set(r.step, { ...r });
  for (const r of held) {
    const row = byStep.get(r.step) ?? ({ step: r.step } as ChartRow);
    for (const run of runs) row[`${run.id}:heldout`] = r[run.id];
    byStep.set(r.step, row);
  }
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

export function TrainingScreen() {
  const { runs, saved, error, connect, startComparison, resumeSaved, deleteSaved, openInInspector } = useTraining();
  const [steps, setSteps] = useState(100);
  const [seed, setSeed] = useState(0);
  const [settings, setSettings] = useState<RunSettingsValue>(DEFAULT_RUN_SETTINGS);
  useEffect(() => {
    void connect();
  }, [connect]);

  const all = Object.values(runs);
  const visible = all.filter((r) => !r.hidden);
  const series: RunSeries[] = visible.map((r) => ({ id: r.spec.runId, metrics: r.metrics, evals: r.evals }));
  const colorOf = (id: string) => all.findIndex((r) => r.spec.runId === id);
  const lines: ChartSeries[] = visible.map((r) => ({ key: r.spec.runId, label: r.spec.label, colorIndex: colorOf(r.spec.runId) }));
  const rewardLines: ChartSeries[] = visible.flatMap((r) => [
    { key: r.spec.runId, label: `${r.spec.label} · train reward`, colorIndex: colorOf(r.spec.runId) },
    { key: `${r.spec.runId}:heldout`, label: `${r.spec.label} · held-out accuracy`, colorIndex: colorOf(r.spec.runId), dashed: true },
  ]);
  const rewards = rewardRows(series);
  const busy = all.some((r) => r.status === 'running' || r.status === 'starting');
  const sampled = visible.find((r) => r.samples.length > 0);

  return (
    <section className="screen" data-testid="training-screen">
      <h2>Training: GRPO vs GRPO + RePro</h2>
      <div className="row">
        <label className="field">Steps <input type="number" min={1} value={steps} data-testid="train-steps" onChange={(e) => setSteps(Math.max(1, Math.floor(Number(e.target.value) || 1)))} /></label>
        <label className="field">Seed <input type="number" value={seed} data-testid="train-seed" onChange={(e) => setSeed(Math.floor(Number(e.target.value) || 0))} /></label>
        <button disabled={busy} onClick={() => void startComparison({ steps, seed, overrides: settings })} data-testid="start-comparison">
          Start outcome-only vs RePro
        </button>
      </div>
      <RunSettings value={settings} onChange={setSettings} disabled={busy} />
      {error && <p className="error" role="alert">{error}</p>}
      {saved.length > 0 && (
        <div className="card" data-testid="saved-runs">
          <h3>Saved runs</h3>
          {saved.map((s) => (
            <div key={s.spec.runId} className="row" data-testid="saved-run" data-run-id={s.spec.runId} data-step={s.step}>
              <span>{s.spec.label} — step {s.step} / {s.spec.steps}, saved {new Date(s.savedAt).toLocaleString()}</span>
              <button type="button" onClick={() => void resumeSaved(s.spec.runId)} data-testid="resume-saved">Resume</button>
              <button type="button" onClick={() => void openInInspector(s.spec.runId)} title="Load this checkpoint's weights as the inspector's model">Inspect</button>
              <button onClick={() => void deleteSaved(s.spec.runId)}>Delete</button>
            </div>
          ))}
        </div>
      )}
      <RunTable runs={all} />
      <VerlExportButton source="training" />
      <div className="summary-grid">
        <MetricChart title="Reward (train) and accuracy (held-out, dashed)" rows={rewards} series={rewardLines} testId="chart-reward" height={300} />
        {STEP_CHARTS.map((c) => (
          <MetricChart key={c.id} title={c.title} rows={chartRows(series, c.value)} series={lines} testId={`chart-${c.id}`} />
        ))}
      </div>
      {sampled && <SamplesPanel runId={sampled.spec.runId} label={sampled.spec.label} samples={sampled.samples} />}
    </section>
  );
}
