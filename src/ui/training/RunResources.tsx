// Throughput and GPU memory of the shown runs (issue #23 §2): the step time and its breakdown,
// tokens per second, and the GPU memory an engine run holds (its pre-flight: what the worker
// allocated for it; the toy GPT-2's buffers are not counted, said so) — with a PEFT download of a
// LoRA run's adapter (a plain button: it can move to the run's card).
import { useEffect } from 'react';
import { hasWorkerRun, type RunView } from '../../store/trainingStore.ts';
import { useRunSetup } from '../../store/runSetupStore.ts';
import { downloadBlob } from '../download.ts';
import { fmtBytes } from './PreflightPanel.tsx';
import { throughputOf } from './runThroughput.ts';

const ms = (x: number) => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(0)} ms`);

export function PeftDownloadButton({ run }: { run: RunView }) {
  const exportPeft = useRunSetup((s) => s.exportPeft);
  return (
    <button
      type="button" disabled={!hasWorkerRun(run)} data-testid="download-peft"
      title="The run's current adapter in PEFT's format: adapter_config.json + adapter_model.safetensors (PeftModel.from_pretrained loads them)"
      onClick={() => void exportPeft(run.spec.runId).then((files) => {
        if (files) for (const [path, bytes] of Object.entries(files)) downloadBlob(`${run.spec.runId}-${path}`, new Blob([bytes as BlobPart]));
      })}
    >
      PEFT
    </button>
  );
}

function MemoryCell({ run }: { run: RunView }) {
  const { runMemory, measureRun } = useRunSetup();
  const engine = run.spec.model?.kind === 'engine';
  useEffect(() => {
    if (engine) void measureRun(run.spec);
  }, [engine, run.spec, measureRun]);
  if (!engine) return <td className="muted" title="The toy GPT-2's buffers are not counted">not measured</td>;
  const r = runMemory[run.spec.runId];
  if (!r) return <td className="muted">…</td>;
  if (!r.ok) return <td className="error">{r.error}</td>;
  return <td className="num" data-testid="run-memory" title={r.parts.map((p) => `${p.label} ${fmtBytes(p.bytes)}`).join('\n')}>{fmtBytes(r.totalBytes)}</td>;
}

export function RunResources({ runs }: { runs: RunView[] }) {
  const exportError = useRunSetup((s) => s.exportError);
  if (runs.length === 0) return null;
  return (
    <div className="card table-scroll" data-testid="run-resources">
      <h3>Throughput and GPU memory</h3>
      <table className="data-table">
        <thead>
          <tr>
            <th>run</th><th className="num">step time</th><th className="num">sampling</th><th className="num">RePro scoring</th><th className="num">forward + backward</th>
            <th className="num">optimizer</th><th className="num">critic</th><th className="num">tokens/s</th><th className="num">GPU memory (pre-flight)</th><th>adapter</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => {
            const t = throughputOf(r.metrics, r.spec.config.per_device_train_batch_size * r.spec.config.num_generations);
            return (
              <tr key={r.spec.runId} data-testid="run-resources-row" data-run-id={r.spec.runId}>
                <td>{r.spec.label}</td>
                {t === null ? <td colSpan={7} className="muted">no step yet</td> : (
                  <>
                    <td className="num" data-testid="run-step-time" title={`mean of the last ${t.steps} step${t.steps === 1 ? '' : 's'} (the first, with shader compilation, left out)`}>{ms(t.stepMs)}</td>
                    <td className="num">{ms(t.phases.sampling)}</td>
                    <td className="num">{r.spec.config.process_reward_coef > 0 ? ms(t.phases.scoring) : '— (α = 0)'}</td>
                    <td className="num">{ms(t.phases.forwardBackward)}</td>
                    <td className="num">{ms(t.phases.optimizer)}</td>
                    <td className="num">{r.spec.config.adv_estimator === 'gae' ? ms(t.phases.critic) : '—'}</td>
                    <td className="num" data-testid="run-tokens-per-s">{t.tokensPerS.toFixed(1)}</td>
                  </>
                )}
                <MemoryCell run={r} />
                <td>{r.spec.model?.kind === 'engine' ? <PeftDownloadButton run={r} /> : <span className="muted">full weights</span>}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {exportError && <p className="error" role="alert">{exportError}</p>}
    </div>
  );
}
