// Run controls: start / cancel, progress bar and ETA, and the list of past runs.
import { useBatch } from '../../store/batchStore.ts';
import { useModel } from '../../store/modelStore.ts';
import { useSettings } from '../../store/settingsStore.ts';
import { BundledModelPick } from './BundledModelPick.tsx';

function formatEta(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

export function RunPanel() {
  const { parsed, running, progress, start, cancel, runs, runId, openRun, deleteRun } = useBatch();
  const loaded = useModel((s) => s.loaded);
  const setTab = useSettings((s) => s.setTab);
  const elapsed = progress ? progress.updatedAt - progress.startedAt : 0;
  const eta = progress && progress.done > 0 ? (elapsed / progress.done) * (progress.total - progress.done) : NaN;
  return (
    <div className="card">
      <h3>Run</h3>
      <BundledModelPick disabled={running !== null} />
      {!loaded && (
        <p className="muted">
          No model loaded.{' '}
          <button type="button" onClick={() => setTab('inspector')}>
            Load one in the Inspector
          </button>
        </p>
      )}
      <div className="row">
        <button
          type="button"
          className="primary"
          disabled={!loaded || !parsed || parsed.items.length === 0 || running !== null}
          onClick={() => void start()}
          data-testid="batch-run"
        >
          Run {parsed ? parsed.items.length : 0} prompts
        </button>
        {running && (
          <button type="button" onClick={cancel} data-testid="batch-cancel">
            Cancel
          </button>
        )}
      </div>
      {progress && (
        <div aria-live="polite" data-testid="batch-progress">
          <progress value={progress.done} max={progress.total} aria-label="Batch progress" />
          <span>
            {progress.done} / {progress.total}
            {running ? ` · ETA ${formatEta(eta)}` : ''}
          </span>
        </div>
      )}
      {runs.length > 0 && (
        <details>
          <summary>Past runs ({runs.length})</summary>
          <ul data-testid="past-runs">
            {runs.map((r) => (
              <li key={r.id} className="row">
                <button type="button" onClick={() => void openRun(r.id)} aria-pressed={r.id === runId} disabled={running !== null}>
                  {r.name} · {new Date(r.createdAt).toLocaleString()} · {r.status}
                </button>
                <button type="button" onClick={() => void deleteRun(r.id)} aria-label={`Delete run ${r.name}`} disabled={running !== null}>
                  ×
                </button>
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
