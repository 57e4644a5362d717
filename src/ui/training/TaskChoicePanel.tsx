// What a run trains on: the toy addition problems, or a prompt set uploaded in any format the
// batch screen reads (its parser, field mapping and per-line report), with the held-out split the
// user chooses — a fraction (random or the last items) or a second file.
import { useRunSetup, type PromptFileSlot } from '../../store/runSetupStore.ts';
import { heldOutCount } from '../../store/runSetup.ts';
import { siteUrl } from '../../site/siteUrl.ts';
import { NumberField } from '../NumberField.tsx';
import { ParseReport } from '../batch/ParseReport.tsx';

const EXAMPLES = [
  { url: siteUrl('examples/gsm8k-style.jsonl'), name: 'gsm8k-style.jsonl', label: 'GSM8K-style word problems (24)' },
  { url: siteUrl('examples/short-math.jsonl'), name: 'short-math.jsonl', label: 'Short math set (12)' },
];

const ACCEPT = '.jsonl,.ndjson,.json,.csv,.tsv,.parquet,text/csv,application/json';

function Upload({ slot, label, disabled }: { slot: PromptFileSlot; label: string; disabled: boolean }) {
  const { uploads, loadPromptFile, loadPromptUrl, remap } = useRunSetup();
  const u = uploads[slot];
  return (
    <div data-testid={`task-upload-${slot}`}>
      <div className="row">
        <label className="file-button">
          {label}
          <input
            type="file" accept={ACCEPT} disabled={disabled} data-testid={`task-file-${slot}`}
            onChange={(e) => {
              const f = e.target.files?.[0];
              if (f) void loadPromptFile(slot, f, f.name);
              e.target.value = '';
            }}
          />
        </label>
        {slot === 'train' && EXAMPLES.map((ex) => (
          <button key={ex.name} type="button" disabled={disabled} onClick={() => void loadPromptUrl(slot, ex.url, ex.name)} data-testid={`task-example-${ex.name}`}>
            {ex.label}
          </button>
        ))}
      </div>
      {u.parsing && <p aria-live="polite">Reading…</p>}
      {u.error && <p className="error" role="alert">{u.error}</p>}
      {u.parsed && <ParseReport parsed={u.parsed} busy={u.parsing || disabled} onRemap={(m) => void remap(slot, m)} testId={`task-report-${slot}`} />}
    </div>
  );
}

export function TaskChoicePanel({ disabled, toyOnly }: { disabled: boolean; toyOnly: boolean }) {
  const s = useRunSetup();
  const n = s.uploads.train.parsed?.items.length ?? 0;
  const held = s.heldout === 'separate' ? s.uploads.heldout.parsed?.items.length ?? 0 : heldOutCount(n, s.heldoutFraction);
  return (
    <fieldset className="card" disabled={disabled} data-testid="task-choice">
      <legend>Task</legend>
      <div className="row" role="radiogroup" aria-label="Task">
        <label>
          <input type="radio" name="train-task" checked={s.taskKind === 'toy'} onChange={() => s.setTask({ taskKind: 'toy' })} data-testid="train-task-toy" /> Toy addition problems
        </label>
        <label title={toyOnly ? 'The toy models read only the toy task: pick a hub model or a folder' : undefined}>
          <input type="radio" name="train-task" checked={s.taskKind === 'prompt-set'} onChange={() => s.setTask({ taskKind: 'prompt-set' })} data-testid="train-task-prompt-set" />{' '}
          Prompt set (JSONL, JSON, CSV, parquet: GSM8K, MATH, TRL, verl, chat)
        </label>
      </div>
      {s.taskKind === 'prompt-set' && (
        <>
          <Upload slot="train" label="Choose prompt file…" disabled={disabled} />
          <div className="row">
            <label>
              Held-out split{' '}
              <select value={s.heldout} onChange={(e) => s.setTask({ heldout: e.target.value as typeof s.heldout })} data-testid="task-heldout">
                <option value="random">a random fraction of the set</option>
                <option value="last">the last items of the set</option>
                <option value="separate">a second file</option>
              </select>
            </label>
            {s.heldout !== 'separate' && (
              <NumberField group="training" label="Held-out fraction" value={s.heldoutFraction} min={0.001} max={0.999} step={0.001} onChange={(f) => s.setTask({ heldoutFraction: f })} testId="task-heldout-fraction" />
            )}
            {n > 0 && <span data-testid="task-split">{s.heldout === 'separate' ? n : n - held} training, {held} held-out items</span>}
          </div>
          {s.heldout === 'separate' && <Upload slot="heldout" label="Choose held-out file…" disabled={disabled} />}
          <label className="row">
            Instruction appended to each question{' '}
            <input value={s.instruction} size={50} placeholder="e.g. Put the final answer after ####." onChange={(e) => s.setTask({ instruction: e.target.value })} data-testid="task-instruction" />
          </label>
        </>
      )}
    </fieldset>
  );
}
