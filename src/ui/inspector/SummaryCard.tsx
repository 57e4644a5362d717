// The §10 metrics of one inspection (repro-method.md §10), plus S(K) on the current top-k.
import type { InspectionAnalysis } from '../../analysis/inspectionAnalysis.ts';
import { fixed } from '../format.ts';
import { defText, METRIC_DEFS, type MetricId } from '../dashboard/metricDefs.ts';
import { MethodLink } from '../MethodLink.tsx';

export function SummaryCard({ a, correct }: { a: InspectionAnalysis; correct: boolean | null }) {
  const m = a.metrics;
  const items: [string, string, MetricId][] = [
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
      <h3>Summary <MethodLink section="§10">(Method §10)</MethodLink></h3>
      <div className="summary-grid">
        {items.map(([k, v, id]) => (
          <div className="metric" key={id} title={defText(id)} data-testid={`metric-def-${id}`}>
            <div className="k">
              {k} <span aria-hidden="true" className="info-dot">i</span>
              {METRIC_DEFS[id].section && <> <MethodLink section={METRIC_DEFS[id].section!}>{METRIC_DEFS[id].section}</MethodLink></>}
            </div>
            <div className="v" data-testid={`metric-${id}`}>
              {v}
            </div>
          </div>
        ))}
      </div>
    </div>
  );
}
