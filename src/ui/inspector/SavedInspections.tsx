// Saved inspections (IndexedDB): open, delete, export one as JSON, import one from a file.
import { useEffect, useMemo, useState } from 'react';
import { describeSaved, savedSummary } from '../../store/savedSummary.ts';
import { useInspector } from '../../store/inspectorStore.ts';
import { serializeInspectionRecord } from '../../data/index.ts';
import { downloadText } from '../download.ts';
import { errorText } from '../../store/modelStore.ts';

/** Records larger than this are refused before reading (a trajectory of 100k tokens is ~10 MB). */
const MAX_IMPORT_BYTES = 64 * 1024 * 1024;

export function SavedInspections() {
  const { saved, refreshSaved, openSaved, removeSaved, importRecord, currentRecord, trajectory } = useInspector();
  const [msg, setMsg] = useState<string | null>(null);
  // Parsed once per list, not on every render.
  const summaries = useMemo(() => new Map(saved.map((s) => [s.key!, savedSummary(s.json)])), [saved]);
  useEffect(() => {
    void refreshSaved();
  }, [refreshSaved]);

  const exportCurrent = () => {
    try {
      const r = currentRecord();
      if (!r) return;
      downloadText(`inspection-${r.createdAt.replace(/[:.]/g, '-')}.json`, serializeInspectionRecord(r));
    } catch (e) {
      setMsg(`Export failed: ${errorText(e)}`);
    }
  };
  const onImport = async (file: File | undefined) => {
    if (!file) return;
    if (file.size > MAX_IMPORT_BYTES) {
      setMsg(`${file.name}: ${(file.size / 1e6).toFixed(1)} MB is larger than the ${MAX_IMPORT_BYTES / 1e6} MB an inspection record can be.`);
      return;
    }
    setMsg(null);
    await importRecord(await file.text());
  };

  return (
    <div className="card" data-testid="saved">
      <h3>Saved inspections</h3>
      <div className="row">
        <button type="button" onClick={exportCurrent} disabled={!trajectory} data-testid="export-json">
          Export current as JSON
        </button>
        <label className="file-button">
          Import JSON…
          <input type="file" accept=".json,application/json" onChange={(e) => void onImport(e.target.files?.[0])} data-testid="import-json" />
        </label>
      </div>
      {msg && <p className="error" role="alert">{msg}</p>}
      {saved.length === 0 ? (
        <p className="muted">Every scored inspection is saved here (in this browser).</p>
      ) : (
        <ul className="saved-list" data-testid="saved-list">
          {saved.slice(0, 200).map((s) => (
            <li key={s.key} className="row" data-testid="saved-item">
              <button type="button" onClick={() => void openSaved(s.key!)} title="Open">
                {s.title}
              </button>
              <span className="muted" data-testid="saved-item-info">
                {new Date(s.createdAt).toLocaleString()} · {describeSaved(summaries.get(s.key!) ?? savedSummary(s.json))}
              </span>
              <button type="button" onClick={() => void removeSaved(s.key!)} aria-label={`Delete saved inspection ${s.title}`}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
