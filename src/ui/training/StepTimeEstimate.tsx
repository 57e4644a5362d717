// Before Start: how long one step of each run would take on this GPU (issue #23 §4), priced from
// the engine's kernels timed at the model's shapes on this device (src/engine/lora/stepEstimate.ts
// says what is timed and what is not). Timing takes a few seconds of GPU work, so it runs on
// request; an estimate made for other settings is marked stale, never shown as current.
import type { RunSpec } from '../../worker/trainingApi.ts';
import { useRunSetup } from '../../store/runSetupStore.ts';

const secs = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(0)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(0)} ms`);

export function StepTimeEstimate({ specs, specKey, disabled }: { specs: RunSpec[]; specKey: string; disabled: boolean }) {
  const { stepTime, estimateStepTime } = useRunSetup();
  if (specs.length === 0) return null;
  const stale = stepTime.key !== null && stepTime.key !== specKey;
  const adapter = stepTime.reports?.find((r) => r.report.ok)?.report;
  return (
    <div className="card" data-testid="step-estimate">
      <h4>Time per step on this GPU</h4>
      <p className="muted">
        Times the engine&apos;s matmuls at this model&apos;s shapes on this GPU (one layer&apos;s linears and the LM head, at the decode and
        training batch sizes) and prices the step from them: sampling, RePro scoring, and the forward, recomputed forward and backward of
        training. Attention, norms and the adapters are not timed, and responses are priced at full length.
      </p>
      <button type="button" disabled={disabled || stepTime.checking} onClick={() => void estimateStepTime(specs, specKey)} data-testid="step-estimate-run">
        {stepTime.checking ? 'Timing kernels…' : 'Estimate the step time'}
      </button>
      {stale && <p className="warning" data-testid="step-estimate-stale">⚠ This estimate was made for other settings: estimate again.</p>}
      {stepTime.reports && (
        <table className="data-table" data-testid="step-estimate-table">
          {adapter?.ok && <caption className="muted">timed on {adapter.adapter}</caption>}
          <thead><tr><th>run</th><th>per step</th><th>sampling</th><th>scoring</th><th>training</th></tr></thead>
          <tbody>
            {stepTime.reports.map(({ label, report }) => (report.ok ? (
              <tr key={label} data-testid="step-estimate-row" data-total-ms={report.estimate.totalMs}>
                <th scope="row">{label}</th>
                <td className="num">≈ {secs(report.estimate.totalMs)}</td>
                <td className="num">{secs(report.estimate.samplingMs)}</td>
                <td className="num">{secs(report.estimate.scoringMs)}</td>
                <td className="num">{secs(report.estimate.trainingMs)}</td>
              </tr>
            ) : (
              <tr key={label} data-testid="step-estimate-error"><th scope="row">{label}</th><td colSpan={4} className="error">No estimate: {report.error}</td></tr>
            )))}
          </tbody>
        </table>
      )}
    </div>
  );
}
