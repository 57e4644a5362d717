// Upload a prompt set (drag-drop or picker, or an example in one click) and its per-line report.
import { useState, type DragEvent } from 'react';
import { useBatch } from '../../store/batchStore.ts';
import { ParseReport } from './ParseReport.tsx';
import { siteUrl } from '../../site/siteUrl.ts';
import { DelimiterProposal } from './DelimiterProposal.tsx';

export const EXAMPLES = [
  { url: siteUrl('examples/toy-addition.jsonl'), name: 'toy-addition.jsonl', label: 'Toy addition (the toy model’s task)' },
  { url: siteUrl('examples/short-math.jsonl'), name: 'short-math.jsonl', label: 'Short math set' },
];

export function UploadPanel() {
  const { parsed, parsing, loadFile, loadExample, remap, running } = useBatch();
  const [over, setOver] = useState(false);
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    const f = e.dataTransfer.files[0];
    if (f) void loadFile(f, f.name);
  };
  return (
    <div className="card">
      <h3>Prompt set</h3>
      <div
        className={over ? 'drop-zone over' : 'drop-zone'}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
        data-testid="drop-zone"
      >
        <p>
          Drop a JSONL, JSON, CSV or parquet file here (fields: question, answer, optional cot; GSM8K, MATH, TRL conversational,
          chat messages and verl sets are recognised), or
        </p>
        <label className="file-button">
          Choose file…
          <input
            type="file"
            accept=".jsonl,.ndjson,.json,.csv,.tsv,.parquet,text/csv,application/json"
            onChange={(e) => {
              const f = e.target.files?.[0];
              if (f) void loadFile(f, f.name);
              e.target.value = '';
            }}
            data-testid="batch-file"
          />
        </label>
        <div className="row" style={{ justifyContent: 'center', marginTop: '0.5rem' }}>
          {EXAMPLES.map((ex) => (
            <button key={ex.name} type="button" onClick={() => void loadExample(ex.url, ex.name)} data-testid={`example-${ex.name}`}>
              {ex.label}
            </button>
          ))}
        </div>
      </div>
      {parsing && <p aria-live="polite">Reading…</p>}
      {parsed && (
        <ParseReport parsed={parsed} busy={parsing || running !== null} onRemap={(m) => void remap(m)}>
          <DelimiterProposal items={parsed.items} />
        </ParseReport>
      )}
    </div>
  );
}
