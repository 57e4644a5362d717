// "Export for verl": the batch prompt set or a training run as a zip to run on a cluster with verl
// (src/export/verl, docs/scale-out.md). Self-contained: reads the stores, asks for the cluster
// model and the estimator, downloads <name>-verl.zip, shows any error where the button is.
import { useId, useState } from 'react';
import { useBatch } from '../../store/batchStore.ts';
import { useModel } from '../../store/modelStore.ts';
import { useSettings } from '../../store/settingsStore.ts';
import { useTraining } from '../../store/trainingStore.ts';
import {
  batchExportSettings, batchPrompts, buildVerlExport, clusterModelId, ESTIMATORS, expectedGpus, paramsFromModelId,
  trainingExportSettings, trainingPrompts, zipExport, type Estimator,
} from '../../export/verl/index.ts';
import type { RunSpec } from '../../worker/trainingApi.ts';
import { downloadBlob } from '../download.ts';

const DEFAULT_CLUSTER_MODEL = 'Qwen/Qwen2.5-1.5B-Instruct';

function useSource(source: 'batch' | 'training') {
  const parsed = useBatch((s) => s.parsed);
  const loaded = useModel((s) => s.loaded);
  const settings = useSettings((s) => s.settings);
  const runs = useTraining((s) => s.runs);
  const saved = useTraining((s) => s.saved);
  if (source === 'batch') {
    if (!parsed || parsed.items.length === 0) return { ready: false as const, why: 'upload a prompt set first' };
    if (!loaded) return { ready: false as const, why: 'load a model first (its probe and template set the RePro settings)' };
    return {
      ready: true as const, name: parsed.name.replace(/\.[a-z0-9]+$/i, ''), suggestedModel: clusterModelId(loaded.info.id),
      build: (model: string, estimator: Estimator) => {
        const s = batchExportSettings(settings, { id: loaded.info.id, defaultProbe: loaded.defaultProbe, thinking: loaded.info.thinking }, estimator);
        s.model = model;
        return buildVerlExport({ name: parsed.name.replace(/\.[a-z0-9]+$/i, ''), source: `batch prompt set ${parsed.name}`, train: batchPrompts(parsed.items), val: [], settings: s });
      },
    };
  }
  const specs: RunSpec[] = [...Object.values(runs).map((r) => r.spec), ...saved.map((s) => s.spec)];
  const spec = specs.find((s) => s.method === 'repro') ?? specs[0];
  if (!spec) return { ready: false as const, why: 'start or resume a training run first' };
  // a LoRA run on a hub model: verl trains the same checkpoint with the same adapter settings
  const engine = spec.model?.kind === 'engine' ? spec.model : null;
  const hubId = engine?.source.kind === 'hub' ? engine.source.id : null;
  return {
    ready: true as const, name: spec.runId, suggestedModel: hubId ?? DEFAULT_CLUSTER_MODEL,
    build: (model: string, estimator: Estimator) => {
      const { train, val } = trainingPrompts(spec.config, spec.steps, spec.task);
      return buildVerlExport({ name: spec.runId, source: `training run ${spec.label}`, train, val, settings: trainingExportSettings(spec.config, spec.steps, model, estimator, engine?.lora) });
    },
  };
}

export function VerlExportButton({ source }: { source: 'batch' | 'training' }) {
  const id = useId();
  const src = useSource(source);
  const [model, setModel] = useState<string | null>(null);
  const [estimator, setEstimator] = useState<Estimator>('grpo');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const clusterModel = (model ?? (src.ready ? src.suggestedModel : '')).trim();
  const params = paramsFromModelId(clusterModel);

  const run = () => {
    setError(null);
    setDone(null);
    if (!src.ready) return;
    try {
      if (clusterModel.length === 0) throw new RangeError('enter the HF id or path of the model verl should train');
      const files = src.build(clusterModel, estimator);
      const zip = zipExport(src.name, files);
      downloadBlob(`${src.name}-verl.zip`, new Blob([zip as BlobPart], { type: 'application/zip' }));
      setDone(`${src.name}-verl.zip: ${files.map((f) => f.path).join(', ')}`);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <div className="card" data-testid={`verl-export-${source}`}>
      <h3>Export for verl</h3>
      <p className="muted">A folder for a cluster: the prompts as verl's parquet dataset, the Hydra config with these RePro settings, run.sh and a README (docs/scale-out.md).</p>
      <div className="row">
        <label htmlFor={`${id}-model`}>Cluster model</label>
        <input id={`${id}-model`} type="text" value={model ?? (src.ready ? src.suggestedModel : '')} onChange={(e) => setModel(e.target.value)} disabled={!src.ready} data-testid="verl-export-model" size={32} />
        <label htmlFor={`${id}-est`}>Estimator</label>
        <select id={`${id}-est`} value={estimator} onChange={(e) => setEstimator(e.target.value as Estimator)} disabled={!src.ready} data-testid="verl-export-estimator">
          {ESTIMATORS.map((e) => <option key={e} value={e}>{e}</option>)}
        </select>
        <button onClick={run} disabled={!src.ready} data-testid="verl-export-button">Export for verl</button>
      </div>
      {!src.ready && <p className="muted">To export, {src.why}.</p>}
      {src.ready && <p className="muted" data-testid="verl-export-gpus">Expected: {expectedGpus(params).gpus} GPUs (80 GB) — {expectedGpus(params).why}.</p>}
      {error && <p className="error" role="alert" data-testid="verl-export-error">{error}</p>}
      {done && <p className="muted" data-testid="verl-export-done">Downloaded {done}</p>}
    </div>
  );
}
