// The runs: status, step counter, speed, ETA, controls, legend visibility and downloads.
import { useEffect, useState } from 'react';
import { hasWorkerRun, useTraining, type RunView } from '../../store/trainingStore.ts';
import { downloadBlob, downloadText } from '../download.ts';
import { metricsToCsv, metricsToJson } from '../../data/metricsHistory.ts';
import { formatDuration, stepsPerSecond } from '../dashboard/chartData.ts';
import { etaFromRate } from '../../store/eta.ts';

function downloadBytes(filename: string, bytes: Uint8Array, mime: string): void {
  downloadBlob(filename, new Blob([bytes as BlobPart], { type: mime }));
}

// Downloads go through the store like pause/resume/stop, so a failure shows in its error line.
async function downloadCheckpoint(run: RunView): Promise<void> {
  const ck = await useTraining.getState().exportCheckpoint(run.spec.runId);
  if (!ck) return;
  downloadBytes(`${run.spec.runId}.safetensors`, ck.safetensors, 'application/octet-stream');
  downloadBytes(`${run.spec.runId}.config.json`, new TextEncoder().encode(ck.configJson), 'application/json');
}

/** The run's metric history (every step, every held-out evaluation). */
function downloadMetrics(run: RunView, kind: 'csv' | 'json'): void {
  const h = { runId: run.spec.runId, label: run.spec.label, steps: run.metrics, evals: run.evals };
  if (kind === 'csv') downloadText(`${run.spec.runId}.metrics.csv`, metricsToCsv(h), 'text/csv');
  else downloadText(`${run.spec.runId}.metrics.json`, metricsToJson(h));
}

async function downloadOnnx(run: RunView): Promise<void> {
  const onnx = await useTraining.getState().exportOnnx(run.spec.runId);
  if (onnx) downloadBytes(`${run.spec.runId}.onnx`, onnx, 'application/octet-stream');
}

export function RunTable({ runs }: { runs: RunView[] }) {
  const { pause, resume, stop, toggleHidden, openInInspector } = useTraining();
  const [now, setNow] = useState(() => Date.now());
  // Stop ends a run for good (it can be inspected, not continued): ask first.
  const [confirmStop, setConfirmStop] = useState<string | null>(null);
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  if (runs.length === 0) return null;
  return (
    <div className="table-scroll">
      <table className="data-table" data-testid="run-table">
        <thead>
          <tr><th>show</th><th>run</th><th>status</th><th className="num">step</th><th className="num">steps/s</th><th className="num">ETA</th><th>controls</th><th>download</th></tr>
        </thead>
        <tbody>
          {runs.map((r) => {
            const step = r.metrics.at(-1)?.step ?? 0;
            const speed = r.status === 'running' ? stepsPerSecond(step, r.stepAtRunningSince, r.runningSince, now) : null;
            return (
              <tr key={r.spec.runId} data-testid={`run-${r.spec.method}`}>
                <td><input type="checkbox" checked={!r.hidden} onChange={() => toggleHidden(r.spec.runId)} aria-label={`show ${r.spec.label}`} /></td>
                <td>{r.spec.label}</td>
                <td data-testid="run-status" title={r.pending ? 'The worker finishes the step in flight (it is still recorded), then saves the run' : undefined}>
                  {r.pending ? `${r.pending}…` : r.status}{r.message ? ` — ${r.message}` : ''}
                </td>
                <td className="num" data-testid="run-step">{step} / {r.spec.steps}</td>
                <td className="num">{speed === null ? '–' : speed.toFixed(2)}</td>
                <td className="num" data-testid="run-eta" title="Smoothed: moving average of the time per step (the first step, with compilation, is left out)">
                  {r.status === 'running' && !r.pending ? formatDuration(etaFromRate(r.rate, r.spec.steps)) : '–'}
                </td>
                <td>
                  {r.status === 'running' && !r.pending && <button onClick={() => void pause(r.spec.runId)}>Pause</button>}
                  {r.status === 'paused' && !r.pending && <button onClick={() => void resume(r.spec.runId)}>Resume</button>}
                  {(r.status === 'running' || r.status === 'paused') && r.pending !== 'stopping' && confirmStop !== r.spec.runId && (
                    <button onClick={() => setConfirmStop(r.spec.runId)} data-testid="stop">Stop</button>
                  )}
                  {(r.status === 'running' || r.status === 'paused') && r.pending !== 'stopping' && confirmStop === r.spec.runId && (
                    <span className="confirm-stop" role="alertdialog" aria-label={`Stop ${r.spec.label}?`} data-testid="confirm-stop">
                      Stop at step {step}? Its state is saved; it will not train further in this session.{' '}
                      <button className="danger" onClick={() => { setConfirmStop(null); void stop(r.spec.runId); }} data-testid="confirm-stop-yes">Stop run</button>
                      <button onClick={() => setConfirmStop(null)} data-testid="confirm-stop-no">Keep running</button>
                    </span>
                  )}
                  <button
                    disabled={!hasWorkerRun(r)}
                    onClick={() => void openInInspector(r.spec.runId)}
                    title="Load this run's current weights as the inspector's model"
                    data-testid="open-run-in-inspector"
                  >
                    Inspect
                  </button>
                </td>
                <td>
                  <button disabled={!hasWorkerRun(r)} onClick={() => void downloadCheckpoint(r)}>checkpoint</button>
                  <button disabled={!hasWorkerRun(r)} onClick={() => void downloadOnnx(r)}>ONNX</button>
                  <button disabled={r.metrics.length === 0} onClick={() => downloadMetrics(r, 'csv')} data-testid="export-metrics-csv">metrics CSV</button>
                  <button disabled={r.metrics.length === 0} onClick={() => downloadMetrics(r, 'json')} data-testid="export-metrics-json">metrics JSON</button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
