// Runs saved in IndexedDB (after a reload), grouped by the comparison they were started in, so
// outcome-only and RePro resume together as a pair; each can still be resumed, inspected or deleted.
import { useEffect, useState } from 'react';
import { comparisonOf, useTraining } from '../../store/trainingStore.ts';
import { pickedFilesProblem, savedModelLabel } from '../../store/savedModel.ts';
import type { SavedRunInfo } from '../../worker/trainingApi.ts';

/** Saved runs whose picked model folder did not come back readable, with why. */
function useUnreadable(saved: SavedRunInfo[]): Record<string, string> {
  const [out, setOut] = useState<Record<string, string>>({});
  useEffect(() => {
    let live = true;
    void Promise.all(saved.map(async (s) => [s.spec.runId, await pickedFilesProblem(s.spec)] as const)).then((rs) => {
      if (live) setOut(Object.fromEntries(rs.filter((r): r is readonly [string, string] => r[1] !== null)));
    });
    return () => { live = false; };
  }, [saved]);
  return out;
}

export function SavedRuns({ saved }: { saved: SavedRunInfo[] }) {
  const { resumeSaved, resumeComparison, deleteSaved, openInInspector } = useTraining();
  const unreadable = useUnreadable(saved);
  if (saved.length === 0) return null;
  const groups = new Map<string, SavedRunInfo[]>();
  for (const s of saved) groups.set(comparisonOf(s.spec), [...(groups.get(comparisonOf(s.spec)) ?? []), s]);
  return (
    <div className="card" data-testid="saved-runs">
      <h3>Saved runs</h3>
      {[...groups.entries()].map(([id, runs]) => (
        <div key={id} className="saved-comparison" data-testid="saved-comparison" data-comparison={id}>
          {runs.length > 1 && (
            <div className="row">
              <strong>Comparison ({runs.length} runs)</strong>
              <button type="button" className="primary" disabled={runs.some((r) => unreadable[r.spec.runId])} onClick={() => void resumeComparison(id)} data-testid="resume-comparison">
                Resume comparison
              </button>
            </div>
          )}
          {runs.map((s) => (
            <div key={s.spec.runId} className="row" data-testid="saved-run" data-run-id={s.spec.runId} data-step={s.step}>
              <span>{s.spec.label} — step {s.step} / {s.spec.steps}, saved {new Date(s.savedAt).toLocaleString()}</span>
              <span className="muted" data-testid="saved-model">{savedModelLabel(s.spec)}</span>
              {unreadable[s.spec.runId] && (
                <>
                  <span className="error" role="alert" data-testid="saved-unreadable">{unreadable[s.spec.runId]}</span>
                  <label className="file-button">
                    Re-pick the folder and resume…
                    <input
                      type="file" multiple aria-label={`Re-pick the model folder of ${s.spec.label}`}
                      ref={(el) => el?.setAttribute('webkitdirectory', '')}
                      onChange={(e) => {
                        const files = [...(e.target.files ?? [])];
                        if (files.length > 0) void resumeSaved(s.spec.runId, { files, name: files[0].webkitRelativePath.split('/')[0] || files[0].name });
                      }}
                    />
                  </label>
                </>
              )}
              <button type="button" disabled={unreadable[s.spec.runId] !== undefined} onClick={() => void resumeSaved(s.spec.runId)} data-testid="resume-saved">Resume</button>
              <button type="button" onClick={() => void openInInspector(s.spec.runId)} title="Load this checkpoint's weights as the inspector's model">Inspect</button>
              <button type="button" onClick={() => void deleteSaved(s.spec.runId)}>Delete</button>
            </div>
          ))}
        </div>
      ))}
    </div>
  );
}
