// The inspector's way into a comparison (issue #17 §3): pick any two of the current inspection and
// the saved inspections of the same question, or sample two new CoTs and compare them. The open
// comparison, its progress and errors are shown below (ComparePanel).
import { useMemo, useState } from 'react';
import { useInspector } from '../../store/inspectorStore.ts';
import { useSettings } from '../../store/settingsStore.ts';
import { useCompare } from '../../store/compareStore.ts';
import { useModel } from '../../store/modelStore.ts';
import { analysisSettingsOf, itemFromRecordJson, itemOf } from '../../store/compareItems.ts';
import type { CompareItem } from '../../analysis/compareCots.ts';
import { ComparePanel } from './ComparePanel.tsx';

interface Candidate { value: string; label: string; item(): CompareItem }

export function InspectorCompare() {
  const { trajectory, question, saved, scoredWith } = useInspector();
  const settings = useSettings((s) => s.settings);
  const { openCompare, sampleTwo, pending } = useCompare();
  const loaded = useModel((s) => s.loaded);
  const [pick, setPick] = useState<{ a: string; b: string }>({ a: '', b: '' });
  const [error, setError] = useState<string | null>(null);

  const candidates = useMemo((): Candidate[] => {
    const q = trajectory?.question ?? question;
    const out: Candidate[] = [];
    if (trajectory) {
      out.push({ value: 'current', label: 'Current inspection', item: () => itemOf('Current inspection', trajectory, analysisSettingsOf(settings), scoredWith?.id) });
    }
    for (const s of saved.slice(0, 200)) {
      // the title is the question's first 80 chars: only those records are parsed
      if (s.title !== (q.slice(0, 80) || '(no question)') || questionOf(s.json) !== q) continue;
      const label = `Saved ${new Date(s.createdAt).toLocaleString()}`;
      out.push({ value: `saved-${s.key}`, label, item: () => itemFromRecordJson(label, s.json, settings.markers) });
    }
    return out;
  }, [trajectory, question, saved, settings, scoredWith]);

  const has = (v: string) => candidates.some((c) => c.value === v);
  const a = has(pick.a) ? pick.a : (candidates[0]?.value ?? '');
  const b = has(pick.b) ? pick.b : (candidates[1]?.value ?? '');
  const compare = () => {
    setError(null);
    const ca = candidates.find((c) => c.value === a);
    const cb = candidates.find((c) => c.value === b);
    if (!ca || !cb) return;
    try {
      openCompare(ca.item(), cb.item(), 'inspector');
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const select = (side: 'a' | 'b', value: string) => (
    <label>
      {side.toUpperCase()}{' '}
      <select value={value} onChange={(e) => setPick({ ...pick, [side]: e.target.value })} data-testid={`compare-pick-${side}`}>
        {candidates.map((c) => <option key={c.value} value={c.value}>{c.label}</option>)}
      </select>
    </label>
  );
  return (
    <>
      <div className="card" data-testid="compare-chooser">
        <h3>Compare two chains of thought</h3>
        {candidates.length >= 2 ? (
          <div className="row">
            {select('a', a)}
            {select('b', b)}
            <button type="button" onClick={compare} disabled={a === b} data-testid="compare-open">Compare</button>
            {a === b && <span className="muted">pick two different CoTs</span>}
          </div>
        ) : (
          <p className="muted">Score a CoT, or open a saved inspection of this question, to compare it with another of the same question.</p>
        )}
        <div className="row">
          <button type="button" onClick={() => void sampleTwo()} disabled={!loaded || pending !== null || question.trim() === ''} data-testid="compare-sample-two"
            title="Generate two CoTs for this question (seed s and s + 1), score and save both, and compare them">
            Sample two and compare
          </button>
          <span className="muted">seeds {settings.seed} and {(settings.seed + 1) % 2 ** 32}, the sampling settings above</span>
        </div>
        {error && <p className="error" role="alert">{error}</p>}
      </div>
      <ComparePanel origin="inspector" />
    </>
  );
}

function questionOf(json: string): string | null {
  try {
    const q = (JSON.parse(json) as { trajectory?: { question?: unknown } }).trajectory?.question;
    return typeof q === 'string' ? q : null;
  } catch {
    return null;
  }
}
