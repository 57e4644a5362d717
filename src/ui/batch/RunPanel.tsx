// Run controls: start / cancel, progress bar and ETA, and the list of past runs.
import { useBatch } from '../../store/batchStore.ts';
import { useModel } from '../../store/modelStore.ts';
import { useSettings } from '../../store/settingsStore.ts';
import { etaFromRate } from '../../store/eta.ts';
import { parseRunInfo } from '../../store/batchRunInfo.ts';
import { BundledModelPick } from './BundledModelPick.tsx';

/** Seconds → "~12 s" / "~3 min" (coarse on purpose: the estimate is smoothed, not exact). */
function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return 'estimating…';
  const s = Math.round(seconds);
  return s < 90 ? `~${s} s` : `~${Math.round(s / 60)} min`;
}

export function RunPanel() {
  const { parsed, running, progress, start, cancel, runs, runId, openRun, deleteRun, scoreUnrepresentable, setScoreUnrepresentable } = useBatch();
  const loaded = useModel((s) => s.loaded);
  const setTab = useSettings((s) => s.setTab);
  const eta = progress ? etaFromRate(progress.rate, progress.total) : null;
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
      <label className="check" title="Off (the default, the Inspector's rule): such input is not scored, and each row says why. A CoT is never generated from a prompt the model cannot represent.">
        <input type="checkbox" checked={scoreUnrepresentable} disabled={running !== null} onChange={(e) => setScoreUnrepresentable(e.target.checked)} data-testid="batch-score-anyway" />
        Score input the model cannot represent anyway (unknown tokens, longer than its context): every number it gives is marked ⚠
      </label>
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
                  {r.name} · {parseRunInfo(r.settingsJson)?.label ?? parseRunInfo(r.settingsJson)?.model ?? 'model not recorded'} · {new Date(r.createdAt).toLocaleString()} · {r.status}
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
