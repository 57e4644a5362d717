// The first thing a newcomer sees: example problems in the toy model's format, each one click away
// from a scored J trajectory (loads the bundled toy model when none is loaded).
import { useState } from 'react';
import { useInspector } from '../../store/inspectorStore.ts';
import { useModel } from '../../store/modelStore.ts';
import { useSettings } from '../../store/settingsStore.ts';

export interface TryExample {
  id: string;
  what: string;
  question: string;
  answer: string;
  cot: string;
}

/** From public/examples/toy-addition.jsonl: the toy task's format (digit sums, blank-line segments). */
export const TRY_EXAMPLES: TryExample[] = [
  { id: 'concise', what: 'a concise CoT', question: '37+65=?', answer: '102', cot: '7+5=12\n\n3+6+1=10\n\n' },
  { id: 'redundant', what: 'with a redundant check', question: '61+97=?', answer: '158', cot: '1+7=8\n\n6+9=15\n\ncheck 1+7=8 ok\n\n' },
  { id: 'hesitation', what: 'with hesitation ("wait")', question: '11+17=?', answer: '28', cot: '1+7=8\n\nlet me check 1+7=8\n\nwait, 1+7=8 ok\n\n1+1=2\n\n' },
];

export function TryThis() {
  const [busy, setBusy] = useState<string | null>(null);
  const run = async (ex: TryExample) => {
    setBusy(ex.id);
    try {
      if (!useModel.getState().loaded) await useModel.getState().load({ kind: 'bundled' });
      useSettings.getState().setTab('inspector');
      if (!useModel.getState().loaded) return; // the inspector shows the load error
      const inspector = useInspector.getState();
      inspector.setInput({ question: ex.question, answer: ex.answer, cot: ex.cot });
      await inspector.score();
    } finally {
      setBusy(null);
    }
  };
  return (
    <div className="card try-this" data-testid="try-this">
      <h3>Try this</h3>
      <p>
        Score a chain of thought with the bundled toy model (it adds numbers, digit by digit): one click loads the model, scores J after
        every segment and opens the inspector.
      </p>
      <div className="row">
        {TRY_EXAMPLES.map((ex) => (
          <button key={ex.id} type="button" className="primary" disabled={busy !== null} onClick={() => void run(ex)} data-testid={`try-${ex.id}`}>
            {ex.question} — {ex.what}
          </button>
        ))}
        {busy && <span aria-live="polite">Loading the model and scoring…</span>}
      </div>
    </div>
  );
}
