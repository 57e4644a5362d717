// The training screen: GRPO outcome-only vs GRPO + RePro from the bundled SFT checkpoint, same
// seed; the run table, the dashboard (training/../dashboard/), samples of the latest step, and
// saved runs to resume as a pair.
import { useEffect } from 'react';
import { useTraining } from '../../store/trainingStore.ts';
import { firstInvalid, useInvalidFields } from '../../store/invalidFields.ts';
import { NumberField } from '../NumberField.tsx';
import { RunTable } from './RunTable.tsx';
import { SamplesPanel } from './SamplesPanel.tsx';
import { SavedRuns } from './SavedRuns.tsx';
import { RunSettings, runSettingsOf, type RunSettingsValue } from './RunSettings.tsx';
import { useTrainingForm } from '../../store/trainingFormStore.ts';
import { TrainingDashboard } from '../dashboard/TrainingDashboard.tsx';

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
  useEffect(() => {
    void connect();
  }, [connect]);

  const all = Object.values(runs);
  const busy = all.some((r) => r.status === 'running' || r.status === 'starting');
  const sampled = all.filter((r) => !r.hidden).find((r) => r.samples.length > 0);

  return (
    <section className="screen" data-testid="training-screen">
      <h2>Training: GRPO vs GRPO + RePro</h2>
      <div className="row">
        <NumberField group="training" label="Steps" value={steps} min={1} max={100_000} step={1} onChange={setSteps} testId="train-steps" />
        <NumberField group="training" label="Seed" value={seed} min={0} max={2 ** 31 - 1} step={1} onChange={setSeed} testId="train-seed" />
        <button
          disabled={busy || invalid !== null}
          onClick={() => void startComparison({ steps, seed, overrides: settings })}
          data-testid="start-comparison"
          title={invalid ?? undefined}
        >
          Start outcome-only vs RePro
        </button>
        {invalid && <span className="error" data-testid="training-invalid">Fix the settings first: {invalid}</span>}
      </div>
      <RunSettings value={settings} onChange={setSettings} disabled={busy} />
      {error && <p className="error" role="alert">{error}</p>}
      <SavedRuns saved={saved} />
      <RunTable runs={all} />
      <TrainingDashboard runs={all} />
      {sampled && <SamplesPanel runId={sampled.spec.runId} label={sampled.spec.label} samples={sampled.samples} />}
    </section>
  );
}
