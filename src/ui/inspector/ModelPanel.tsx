// Model panel: bundled toy model, a hub id, a local folder, or a toy checkpoint (.safetensors);
// download progress, backend badge, cache size + clear, and the loader's precise error text.
import { useEffect, useRef, useState } from 'react';
import { useModel } from '../../store/modelStore.ts';
import { BackendBadge } from '../BackendBadge.tsx';
import { formatBytes } from '../download.ts';
import { RegimeSelect } from '../RegimeSelect.tsx';
import type { TaskRegime } from '../../task/regime.ts';

export function ModelPanel() {
  const { loaded, loading, progress, error, cacheBytes, load, refreshCacheSize, clearCache } = useModel();
  const [hubId, setHubId] = useState('onnx-community/Qwen3-0.6B-ONNX');
  const [regime, setRegime] = useState<TaskRegime>('mixed');
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
    void load({ kind: 'local', files: picked });
  };

  const onCheckpoint = async (file: File | undefined) => {
    if (!file) return;
    await load({ kind: 'checkpoint', name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) });
  };

  return (
    <div className="card" data-testid="model-panel">
      <h3>Model</h3>
      <div className="row">
        <RegimeSelect value={regime} onChange={setRegime} disabled={loading} testId="bundled-regime" />
        <button type="button" className="primary" disabled={loading} onClick={() => void load(regime === 'mixed' ? { kind: 'bundled' } : { kind: 'bundled', regime })} data-testid="load-bundled">
          Load bundled toy model
        </button>
        <label>
          Hub id
          <input value={hubId} onChange={(e) => setHubId(e.target.value)} size={32} aria-label="Hugging Face model id" spellCheck={false} />
        </label>
        <button type="button" disabled={loading || hubId.trim() === ''} onClick={() => void load({ kind: 'hub', id: hubId.trim() })}>
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
          <progress value={totalBytes ? loadedBytes : undefined} max={totalBytes || undefined} aria-label="Model download progress" />
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
            Loaded: <strong>{loaded.label}</strong> · {loaded.info.dtype} · vocab {loaded.info.vocabSize.toLocaleString('en-US')} ·{' '}
            {loaded.info.numLayers} layers{loaded.info.thinking ? ' · thinking' : ''}
          </span>
        ) : (
          <span className="muted">{loading ? 'Loading…' : 'No model loaded.'}</span>
        )}
        <BackendBadge backend={loaded?.info.backend ?? null} />
        <span className="muted">Cache: {cacheBytes === null ? '—' : formatBytes(cacheBytes)}</span>
        <button type="button" onClick={() => void clearCache()} disabled={loading}>
          Clear cache
        </button>
      </div>
    </div>
  );
}
