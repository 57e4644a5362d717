// The §10 metrics of one inspection (repro-method.md §10), plus S(K) on the current top-k.
import type { InspectionAnalysis } from '../../analysis/inspectionAnalysis.ts';
import { fixed } from '../format.ts';

export function SummaryCard({ a, correct }: { a: InspectionAnalysis; correct: boolean | null }) {
  const m = a.metrics;
  const items: [string, string, string][] = [
    ['CoT tokens', String(m.cotTokens), 'cotTokens'],
    ['Segments K', String(m.segments), 'segments'],
    ['Backtracking', String(m.backtracking), 'backtracking'],
    ['Tokens after certainty', String(m.tokensAfterCertainty), 'tokensAfterCertainty'],
    ['Certain at k', m.certaintySegment === null ? 'never' : String(m.certaintySegment), 'certaintySegment'],
    ['Plateau segments', String(m.plateaus), 'plateaus'],
    ['S(K), all segments', fixed(m.finalScore), 'finalScore'],
    [`S(M), top-${a.kept.length}`, fixed(a.score[a.score.length - 1]), 'filteredScore'],
    ['J₀ (baseline)', fixed(m.J0), 'J0'],
    ['J_K', fixed(m.JK), 'JK'],
    ['Mean J gain / segment', fixed(m.meanJGain), 'meanJGain'],
    ['Correct', correct === null ? '—' : correct ? 'yes' : 'no', 'correct'],
  ];
  return (
    <div className="card" data-testid="summary">
      <h3>Summary (repro-method.md §10)</h3>
      <div className="summary-grid">
        {items.map(([k, v, id]) => (
          <div className="metric" key={id}>
            <div className="k">{k}</div>
            <div className="v" data-testid={`metric-${id}`}>
              {v}
            </div>
          </div>
        ))}
      </div>
    </div>
  );
}
