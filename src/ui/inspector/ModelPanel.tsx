// Model panel: bundled toy model, a hub id (dtype choice, optional access token), a local folder,
// or a toy checkpoint (.safetensors); download progress and cancel, backend badge with the reason
// for a WASM fallback, the weights loaded and their memory estimate, the cache per model, and the
// loader's precise error text.
import { useEffect, useRef, useState } from 'react';
import { useModel } from '../../store/modelStore.ts';
import { ORT_DTYPES, type LoadedModel, type ModelBackendChoice, type OrtDtype } from '../../worker/api.ts';

type ScoringPath = NonNullable<LoadedModel['scoring']>['path'];
import { BackendBadge } from '../BackendBadge.tsx';
import { formatBytes } from '../download.ts';
import { RegimeSelect } from '../RegimeSelect.tsx';
import { REGIME_LLAMA_MODEL_DIR, type TaskRegime } from '../../task/regime.ts';
import { AdapterPick } from './AdapterPick.tsx';

/** Models the engine runs, offered in the hub field (any other Llama-family or onnx-community id works too). */
const HUB_SUGGESTIONS = [
  'HuggingFaceTB/SmolLM2-135M-Instruct', 'HuggingFaceTB/SmolLM2-360M-Instruct', 'Qwen/Qwen2.5-0.5B-Instruct', 'Qwen/Qwen3-0.6B',
  'meta-llama/Llama-3.2-1B-Instruct', 'onnx-community/Qwen3-0.6B-ONNX',
];

/** The other backend, when it can open the loaded model too (or why it cannot). */
function OtherBackend({ runtime, backends, onOpen }: { runtime: 'engine' | 'onnxruntime'; backends: { engine: string | null; ort: string | null }; onOpen(b: 'engine' | 'ort'): void }) {
  const other = runtime === 'engine' ? 'ort' : 'engine';
  const why = backends[other];
  const name = other === 'engine' ? 'our engine' : 'ONNX Runtime';
  if (why) return <p className="muted" data-testid="other-backend">{name} cannot open this model: {why}</p>;
  return (
    <p className="muted" data-testid="other-backend">
      {name} can run this model too.{' '}
      <button type="button" onClick={() => onOpen(other)} data-testid="open-other-backend">Open it with {name}</button>
    </p>
  );
}

/** The scoring path (src/llm/scoringPath.ts) in one plain sentence; the details open below it. */
const SCORING_PLAIN: Record<ScoringPath, string> = {
  cached: 'Scoring is quick with this model: it reads the chain of thought once, and every check of the answer continues from there.',
  'one-token': 'Scoring is slower with this model: it can take only one token at a time after reading the text.',
  're-encode': 'Scoring is slow with this model: it rereads the question and the chain of thought for every segment.',
};

export function ModelPanel() {
  const { loaded, loading, progress, error, cacheBytes, cachedModels, load, reloadOn, cancelLoad, refreshCacheSize, clearCache, deleteCachedModel } = useModel();
  const [hubId, setHubId] = useState('HuggingFaceTB/SmolLM2-135M-Instruct');
  const [backend, setBackend] = useState<ModelBackendChoice>('auto');
  const on = backend === 'auto' ? {} : { backend };
  const [regime, setRegime] = useState<TaskRegime>('mixed');
  const [dtype, setDtype] = useState<OrtDtype | ''>('');
  // Held in this component's state only: never written to settings, storage or the cache.
  const [token, setToken] = useState('');
  const folderRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    folderRef.current?.setAttribute('webkitdirectory', '');
    void refreshCacheSize();
  }, [refreshCacheSize]);

  const files = Object.values(progress);
  const loadedBytes = files.reduce((a, p) => a + p.loaded, 0);
  const totalBytes = files.reduce((a, p) => a + p.total, 0);

  const onFolder = (list: FileList | null) => {
    if (!list || list.length === 0) return;
    const picked = [...list].map((file) => ({ path: file.webkitRelativePath || file.name, file }));
    void load({ kind: 'local', files: picked, ...on });
  };

  const onCheckpoint = async (file: File | undefined) => {
    if (!file) return;
    await load({ kind: 'checkpoint', name: file.name, bytes: new Uint8Array(await file.arrayBuffer()), ...on });
  };

  return (
    <div className="card" data-testid="model-panel">
      <h3>Model</h3>
      <div className="row">
        <RegimeSelect value={regime} onChange={setRegime} disabled={loading} testId="bundled-regime" />
        <button type="button" className="primary" disabled={loading} onClick={() => void load(regime === 'mixed' ? { kind: 'bundled', ...on } : { kind: 'bundled', regime, ...on })} data-testid="load-bundled">
          Load bundled toy model
        </button>
        {REGIME_LLAMA_MODEL_DIR[regime] && (
          <button type="button" disabled={loading} onClick={() => void load({ kind: 'bundled', regime, arch: 'llama', ...on })} data-testid="load-bundled-llama"
            title="The same task and regime as a small Llama (LlamaForCausalLM: RMSNorm, rotary, grouped-query attention, SwiGLU) in the Hugging Face layout, opened like a hub model on our engine">
            Load bundled toy Llama
          </button>
        )}
        <label title="Our engine runs the Llama family (SmolLM2, Llama-3.2, Qwen2.5, Qwen3) and the toy models from safetensors on WebGPU; ONNX Runtime runs any onnx-community export (WASM when there is no WebGPU). Automatic: our engine when it can run the model here.">
          Backend
          <select value={backend} onChange={(e) => setBackend(e.target.value as ModelBackendChoice)} data-testid="backend-choice">
            <option value="auto">automatic</option>
            <option value="engine">our engine</option>
            <option value="ort">ONNX Runtime</option>
          </select>
        </label>
        <label>
          Hub id
          <input value={hubId} onChange={(e) => setHubId(e.target.value)} size={32} aria-label="Hugging Face model id" spellCheck={false} list="hub-suggestions" />
          <datalist id="hub-suggestions">
            {HUB_SUGGESTIONS.map((id) => <option key={id} value={id} />)}
          </datalist>
        </label>
        <label title="ONNX Runtime only: the ONNX weight variant. Automatic: the best one the repository ships for this adapter (fp16 ones run on WASM where the adapter lacks shader-f16). Our engine reads the repository's safetensors as they are.">
          dtype
          <select value={dtype} onChange={(e) => setDtype(e.target.value as OrtDtype | '')} data-testid="hub-dtype">
            <option value="">automatic</option>
            {ORT_DTYPES.map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        </label>
        <label title="For gated or private repositories; kept in memory for this tab only">
          Token
          <input type="password" value={token} onChange={(e) => setToken(e.target.value)} size={12} autoComplete="off" spellCheck={false} placeholder="optional" aria-label="Hugging Face access token (optional)" />
        </label>
        <button
          type="button"
          disabled={loading || hubId.trim() === ''}
          onClick={() => void load({ kind: 'hub', id: hubId.trim(), ...(dtype ? { dtype } : {}), ...(token.trim() ? { token: token.trim() } : {}), ...on })}
        >
          Load from hub
        </button>
        <label className="file-button">
          Local folder…
          <input ref={folderRef} type="file" multiple disabled={loading} onChange={(e) => onFolder(e.target.files)} aria-label="Pick a local model folder" />
        </label>
        <label className="file-button" title="A toy-reasoner checkpoint: the bundled model.safetensors or one downloaded from the training screen">
          Toy checkpoint…
          <input
            type="file"
            accept=".safetensors"
            disabled={loading}
            onChange={(e) => {
              void onCheckpoint(e.target.files?.[0]);
              e.target.value = '';
            }}
            aria-label="Pick a toy-reasoner checkpoint (.safetensors)"
            data-testid="load-checkpoint"
          />
        </label>
      </div>
      {loading && (
        <div aria-live="polite" className="progress-block">
          <progress value={totalBytes ? loadedBytes : undefined} max={totalBytes || undefined} aria-label="Model download progress" />{' '}
          <button type="button" onClick={cancelLoad} data-testid="cancel-load">
            Cancel
          </button>
          <ul className="file-progress">
            {files.map((p) => (
              <li key={p.file}>
                <code>{p.file}</code> — {p.phase} {formatBytes(p.loaded)}
                {p.total ? ` / ${formatBytes(p.total)}` : ''}
              </li>
            ))}
          </ul>
        </div>
      )}
      {error && (
        <p className="error pre-wrap" role="alert" data-testid="model-error">
          {error}
        </p>
      )}
      <div className="row model-info">
        {loaded ? (
          <span data-testid="model-loaded">
            Loaded: <strong>{loaded.label}</strong> · <span data-testid="model-runtime">{loaded.info.runtime === 'engine' ? 'our engine' : 'ONNX Runtime'}</span> · <span data-testid="model-dtype">{loaded.info.dtype}</span> · vocab{' '}
            {loaded.info.vocabSize.toLocaleString('en-US')} · {loaded.info.numLayers} layers{loaded.info.thinking ? ' · thinking' : ''}
            {loaded.info.weightsPath && <> · <code>{loaded.info.weightsPath}</code>{loaded.info.ioDtype === 'float16' ? ' (float16 I/O)' : ''}</>}
            {loaded.info.availableDtypes && <> · ships {loaded.info.availableDtypes.join(', ')}</>}
            {loaded.info.estimate && (
              <>
                {' '}
                · ≈ {formatBytes(loaded.info.estimate.weightBytes)} weights + {formatBytes(loaded.info.estimate.kvBytes)} KV at {loaded.info.estimate.contextTokens} tokens
              </>
            )}
          </span>
        ) : (
          <span className="muted">{loading ? 'Loading…' : 'No model loaded.'}</span>
        )}
        <BackendBadge backend={loaded?.info.backend ?? null} />
        {loaded?.info.runtime === 'engine' && <AdapterPick />}
        {loaded?.info.wasmThreads !== undefined && (
          <span className={loaded.info.wasmThreads > 1 ? 'muted' : 'warning'} data-testid="wasm-threads"
            title="ONNX Runtime's WASM threads need a cross-origin isolated page (COOP/COEP headers or the site's service worker)">
            {loaded.info.wasmThreads} WASM thread{loaded.info.wasmThreads === 1 ? ' (page not cross-origin isolated: slower)' : 's'}
          </span>
        )}
        <span className="muted">Cache: {cacheBytes === null ? '—' : formatBytes(cacheBytes)}</span>
        <button type="button" onClick={() => void clearCache()} disabled={loading}>
          Clear cache
        </button>
      </div>
      {loaded?.scoring && (
        <details className={loaded.scoring.path === 'cached' ? 'muted scoring-path' : 'warning scoring-path'} data-testid="scoring-path">
          <summary data-testid="scoring-plain">{SCORING_PLAIN[loaded.scoring.path]}</summary>
          <p data-testid="scoring-details">
            Scoring path: {loaded.scoring.note}.{loaded.scoring.reason ? ` Why not faster: ${loaded.scoring.reason}.` : ''}
          </p>
        </details>
      )}
      {loaded?.backends && !loading && (
        <OtherBackend runtime={loaded.info.runtime} backends={loaded.backends} onOpen={(b) => void reloadOn(b)} />
      )}
      {loaded?.info.backendNote && (
        <p className="warning" role="note" data-testid="backend-note">
          {loaded.info.backendNote}
        </p>
      )}
      {cachedModels && cachedModels.length > 0 && (
        <details data-testid="cached-models">
          <summary>Cached models ({cachedModels.length})</summary>
          <ul>
            {cachedModels.map((m) => (
              <li key={`${m.id}@${m.revision}`}>
                <code>{m.id}</code>
                {m.revision !== 'main' ? `@${m.revision}` : ''} — {m.files} files, {formatBytes(m.bytes)}{' '}
                <button type="button" disabled={loading} onClick={() => void deleteCachedModel(m.id, m.revision)} aria-label={`Delete ${m.id} from the cache`}>
                  Delete
                </button>
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
