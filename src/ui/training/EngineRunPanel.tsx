// The engine-run part of a run's card (issue #23 §3–4): the model, its adapter (r, lora_alpha,
// targets), the GPU (shader-f16 use) and the measured step time; buttons to export the adapter
// (PEFT) and the merged model, open base + adapter in the inspector, compare one held-out question
// under base and base + adapter, and batch-score held-out items under both (before → after).
import type { RunView } from '../../store/trainingStore.ts';
import { useRunAfter } from '../../store/runAfterStore.ts';
import { useGpu } from '../../store/gpuStore.ts';
import { measuredStep } from '../../store/measuredStep.ts';
import type { EngineRunModel, RunModelSource } from '../../worker/trainingApi.ts';
import { zipExport } from '../../export/verl/index.ts';
import { downloadBlob } from '../download.ts';
import { BeforeAfterTable } from './BeforeAfterTable.tsx';

const sourceLabel = (s: RunModelSource) =>
  s.kind === 'hub' ? `${s.id}${s.revision ? `@${s.revision}` : ''} (hub)` : s.kind === 'bundled' ? `bundled ${s.name}` : `${s.name} (picked folder)`;

const secs = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(0)} s` : `${(ms / 1000).toFixed(2)} s`);

function download(name: string, files: Record<string, Uint8Array>) {
  const zip = zipExport(name, Object.entries(files).map(([path, bytes]) => ({ path, bytes })));
  downloadBlob(`${name}.zip`, new Blob([zip as BlobPart], { type: 'application/zip' }));
}

export function EngineRunPanel({ run, model }: { run: RunView; model: EngineRunModel }) {
  const id = run.spec.runId;
  const after = useRunAfter();
  const gpu = useGpu((s) => s.status);
  const busy = after.busy[id] ?? null;
  const error = after.errors[id] ?? null;
  const ba = after.beforeAfter[id];
  const m = measuredStep(run.metrics);
  const step = run.metrics.at(-1)?.step ?? 0;
  const { r, lora_alpha, target_modules, use_rslora } = model.lora;
  const noStep = step === 0;
  return (
    <div data-testid="engine-run-panel">
      <dl className="kv">
        <dt>Model</dt>
        <dd data-testid="run-model">{sourceLabel(model.source)}</dd>
        <dt>Adapter</dt>
        <dd data-testid="run-adapter">LoRA r {r}, lora_alpha {lora_alpha}{use_rslora ? ' (rsLoRA)' : ''} on {target_modules.join(', ')}</dd>
        <dt>GPU</dt>
        <dd data-testid="run-gpu">
          {gpu?.available
            ? `${[gpu.adapter.vendor, gpu.adapter.architecture].filter(Boolean).join(' ') || 'unnamed adapter'}${gpu.adapter.description ? ` (${gpu.adapter.description})` : ''}; shader-f16 ${gpu.adapterFeatures.includes('shader-f16') ? 'offered' : 'not offered'}, ${gpu.engineShaderF16?.used ? 'used' : 'not used'} by the engine`
            : 'see the Status screen'}
        </dd>
        <dt>Step time</dt>
        <dd data-testid="card-step-time">
          {m === null ? 'no step finished yet' : (
            <>
              {secs(m.ms)} per step (measured, mean of {m.steps} step{m.steps === 1 ? '' : 's'}{run.metrics.length > 1 ? ', the first left out' : ''}):{' '}
              <span className="muted">sampling {secs(m.phases.sampling)}, RePro scoring {secs(m.phases.scoring)}, forward/backward {secs(m.phases.forwardBackward)}, optimizer {secs(m.phases.optimizer)}{m.phases.critic > 0 ? `, critic ${secs(m.phases.critic)}` : ''}</span>
            </>
          )}
        </dd>
      </dl>
      <div className="row">
        <button type="button" disabled={busy !== null} data-testid="run-export-peft" title="adapter_config.json + adapter_model.safetensors, loadable by PeftModel.from_pretrained"
          onClick={async () => { const f = await after.exportPeft(id); if (f) download(`${id}-adapter-step${step}`, f); }}>
          Export adapter (PEFT)
        </button>
        <button type="button" disabled={busy !== null} data-testid="run-export-merged" title="the base folder with the adapter merged into its weights (model.safetensors, config, tokenizer)"
          onClick={async () => { const f = await after.exportMerged(id); if (f) download(`${id}-merged-step${step}`, f.files); }}>
          Export merged model
        </button>
        <button type="button" disabled={busy !== null} data-testid="run-open-inspector" onClick={() => void after.openInInspector(id)}
          title="Load base + this run's current adapter in the inspector (the model loaded there is replaced once this one is ready)">
          Open in inspector
        </button>
        <button type="button" disabled={busy !== null} data-testid="run-compare-base" onClick={() => void after.compareBaseAdapted(id)}
          title="One held-out question answered (greedy) by the base and by base + adapter, both J curves">
          Compare base vs adapted
        </button>
        <button type="button" disabled={busy !== null} data-testid="run-before-after" onClick={() => void after.batchBeforeAfter(id)}
          title="The run's held-out items, greedy, under the base and under base + adapter: the overthinking metrics before → after">
          Batch before → after
        </button>
      </div>
      {noStep && <p className="muted">The adapter is still at its start (B = 0: base + adapter = base) until a step finishes.</p>}
      {busy && <p role="status" className="muted" data-testid="run-after-busy">{busy}…</p>}
      {error && <p className="error pre-wrap" role="alert" data-testid="run-after-error">{error}</p>}
      {ba?.running && (
        <p role="status" data-testid="before-after-progress">
          Before → after: {ba.phase} · {ba.done} / {ba.total} <progress max={ba.total || 1} value={ba.done} />{' '}
          <button type="button" onClick={() => after.cancelBeforeAfter(id)} data-testid="before-after-cancel">Cancel</button>
        </p>
      )}
      {ba && !ba.running && ba.before && ba.after && <BeforeAfterTable before={ba.before} after={ba.after} step={ba.step} items={ba.items} />}
    </div>
  );
}
