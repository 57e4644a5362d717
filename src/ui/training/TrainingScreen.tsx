// The training screen: GRPO outcome-only vs GRPO + RePro from the bundled SFT checkpoint, same
// seed; the run table, the dashboard (training/../dashboard/), samples of the latest step, and
// saved runs to resume as a pair.
import { useEffect, useMemo, useState } from 'react';
import { useTraining } from '../../store/trainingStore.ts';
import { firstInvalid, useInvalidFields } from '../../store/invalidFields.ts';
import { NumberField } from '../NumberField.tsx';
import { RunTable } from './RunTable.tsx';
import { SamplesPanel } from './SamplesPanel.tsx';
import { ComparePanel } from '../compare/ComparePanel.tsx';
import { SavedRuns } from './SavedRuns.tsx';
import { ComparisonFileCard } from './ComparisonFileCard.tsx';
import { VerlExportButton } from '../export/VerlExportButton.tsx';
import { RunSettings, runSettingsOf, type RunSettingsValue } from './RunSettings.tsx';
import { useTrainingForm } from '../../store/trainingFormStore.ts';
import { TrainingDashboard } from '../dashboard/TrainingDashboard.tsx';
import { EstimatorPicker } from './EstimatorPicker.tsx';
import { PpoCharts } from './PpoCharts.tsx';
import { useChartedRuns } from '../dashboard/chartedRuns.ts';
import type { AdvEstimator } from '../../rl/config.ts';
import { RunSummaryCard } from './RunSummaryCard.tsx';
import { DEFAULT_PRESET, TRAINING_PRESETS, type TrainingPreset } from './presets.ts';
import { useRunSetup } from '../../store/runSetupStore.ts';
import { siteUrl } from '../../site/siteUrl.ts';
import { ModelChoicePanel } from './ModelChoicePanel.tsx';
import { TaskChoicePanel } from './TaskChoicePanel.tsx';
import { PreflightPanel } from './PreflightPanel.tsx';
import { StepTimeEstimate } from './StepTimeEstimate.tsx';
import { RunResources } from './RunResources.tsx';
import { useComparisonRequest } from './useComparisonRequest.ts';
import { RegimeSelect } from '../RegimeSelect.tsx';
import { REGIME_LABEL, REGIME_LESSON, type TaskRegime } from '../../task/regime.ts';

/** The paper's regime first: the one the screen opens on. */
const LESSON_ORDER: readonly TaskRegime[] = ['verbose', 'mixed'];

// Dev/test builds only: e2e tests read the runs' metric histories from the store.
if (import.meta.env.DEV && typeof window !== 'undefined') {
  (window as unknown as { __reproTraining?: typeof useTraining }).__reproTraining = useTraining;
}

export function TrainingScreen() {
  const { runs, saved, error, connect, startComparison } = useTraining();
  // The form lives in a store so a shared link can carry it (src/store/trainingFormStore.ts).
  const form = useTrainingForm();
  const { steps, seed } = form;
  const settings = runSettingsOf(form.settings);
  const setSteps = (v: number) => form.set({ steps: v });
  const setSeed = (v: number) => form.set({ seed: v });
  const setSettings = (v: RunSettingsValue) => form.set({ settings: { ...v } });
  const invalid = firstInvalid(useInvalidFields((s) => s.errors.training));
  const [estimators, setEstimators] = useState<AdvEstimator[]>(['grpo']);
  // Opens on the paper's regime, where the two runs differ (issue #25: the first run shows the lesson).
  const [regime, setRegime] = useState<TaskRegime>(DEFAULT_PRESET.regime);
  useEffect(() => {
    void connect();
  }, [connect]);
  const setup = useRunSetup();
  const plan = useComparisonRequest({ steps, seed, settings, estimators, regime });
  const applyPreset = (p: TrainingPreset) => {
    setRegime(p.regime);
    setSteps(p.steps);
    setSettings(p.settings);
    const e = p.engine;
    setup.setModel(e?.model ?? { kind: 'toy' });
    if (e) setup.setLora({ ...e.lora, target_modules: [...e.lora.target_modules] });
    if (!e || e.task === 'toy') {
      setup.setTask({ taskKind: 'toy' });
    } else {
      setup.setTask({ taskKind: 'prompt-set', heldout: 'random', heldoutFraction: e.task.heldoutFraction });
      void setup.loadPromptUrl('train', siteUrl(e.task.path), e.task.name);
    }
  };
  const blocked = invalid ?? plan.blocker;

  // One array per store change (the dashboard throttles on its identity).
  const all = useMemo(() => Object.values(runs), [runs]);
  const busy = all.some((r) => r.status === 'running' || r.status === 'starting');
  const visible = all.filter((r) => !r.hidden);
  const sampled = all.filter((r) => !r.hidden).find((r) => r.samples.length > 0);
  const ppoRuns = useChartedRuns(all.filter((r) => r.spec.config.adv_estimator === 'gae'));

  return (
    <section className="screen" data-testid="training-screen">
      <h2>Training: outcome-only vs RePro (GRPO, PPO, REINFORCE++)</h2>
      <div className="row" data-testid="training-presets">
        <span>Presets:</span>
        {TRAINING_PRESETS.map((p) => (
          <button key={p.id} type="button" disabled={busy} data-testid={`preset-${p.id}`}
            onClick={() => applyPreset(p)}>
            {p.label}
          </button>
        ))}
      </div>
      <div className="row">
        {!plan.engine && <RegimeSelect value={regime} onChange={setRegime} disabled={busy} testId="train-regime" label="Start from (SFT checkpoint)" />}
        <NumberField group="training" label="Steps" value={steps} min={1} max={100_000} step={1} onChange={setSteps} testId="train-steps" inline />
        <NumberField group="training" label="Seed" value={seed} min={0} max={2 ** 31 - 1} step={1} onChange={setSeed} testId="train-seed" inline />
        <button
          disabled={busy || blocked !== null || plan.request === null}
          onClick={() => plan.request && void startComparison(plan.request)}
          data-testid="start-comparison"
          title={blocked ?? undefined}
        >
          Start outcome-only vs RePro
        </button>
        {invalid && <span className="error" data-testid="training-invalid">Fix the settings first: {invalid}</span>}
        {!invalid && plan.blocker && !busy && <span className="error" data-testid="training-blocked">{plan.blocker}</span>}
      </div>
      {!busy && all.length === 0 && (
        <p className="muted" data-testid="training-expect">
          Both runs train side by side in this tab; the run table's ETA column shows the time left after the first steps (the README says
          what to expect on which hardware).
        </p>
      )}
      <ModelChoicePanel disabled={busy} />
      <TaskChoicePanel disabled={busy} toyOnly={!plan.engine} />
      {plan.engine && <PreflightPanel reports={setup.preflight.reports} checking={setup.preflight.checking} />}
      {plan.engine && <StepTimeEstimate specs={plan.specs} specKey={plan.key} disabled={busy} />}
      {!plan.engine && <ul className="regime-lessons" data-testid="regime-lessons">
        {LESSON_ORDER.map((r) => (
          <li key={r} className={r === regime ? 'chosen' : 'muted'} data-testid={`regime-lesson-${r}`}>
            <strong>{REGIME_LABEL[r]}</strong>: {REGIME_LESSON[r]}
          </li>
        ))}
      </ul>}
      <RunSettings value={settings} onChange={setSettings} disabled={busy} maxCompletion={plan.engine ? 4096 : undefined} />
      <EstimatorPicker value={estimators} onChange={setEstimators} disabled={busy} />
      {error && <p className="error" role="alert">{error}</p>}
      <SavedRuns saved={saved} />
      <ComparisonFileCard />
      <RunTable runs={all} />
      <RunResources runs={visible} />
      {visible.length > 0 && (
        <div className="run-summary-grid" data-testid="run-summaries">
          {visible.map((r) => <RunSummaryCard key={r.spec.runId} run={r} />)}
        </div>
      )}
      <VerlExportButton source="training" />
      <TrainingDashboard runs={all} />
      <PpoCharts runs={ppoRuns} />
      {sampled && <SamplesPanel runId={sampled.spec.runId} label={sampled.spec.label} samples={sampled.samples} />}
      <ComparePanel origin="training" />
    </section>
  );
}
