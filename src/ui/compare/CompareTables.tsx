// The comparison's tables (issue #17 §3): summary metric differences (B − A) and the segment-aligned
// table. Every number cell carries data-value (full precision) for tests and screen readers; model
// text is rendered as text.
import { memo } from 'react';
import type { CotComparison, NumericMetric, SegmentCell } from '../../analysis/compareCots.ts';
import { fixed, formatNumber } from '../format.ts';

const METRIC_LABEL: Record<NumericMetric, string> = {
  cotTokens: 'CoT tokens',
  segments: 'segments K',
  backtracking: 'backtracking segments (§10)',
  tokensAfterCertainty: 'tokens after certainty (§10)',
  certaintySegment: 'first certain boundary k',
  plateaus: 'plateau segments (§10)',
  finalScore: 'S(K), process score (§6)',
  J0: 'J_0 (baseline)',
  JK: 'J_K (final J)',
  meanJGain: 'mean J gain per segment',
};
const INTEGER: ReadonlySet<NumericMetric> = new Set(['cotTokens', 'segments', 'backtracking', 'tokensAfterCertainty', 'certaintySegment', 'plateaus']);
/** Rows rendered at most; beyond, a note says so. */
const MAX_ROWS = 2000;

export const MetricDiffTable = memo(function MetricDiffTable({ c }: { c: CotComparison }) {
  const show = (key: NumericMetric, v: number | null, none: string) => (v === null ? none : INTEGER.has(key) ? formatNumber(v) : fixed(v, 4));
  const signed = (key: NumericMetric, v: number) => (v > 0 ? '+' : '') + show(key, v, '');
  return (
    <div className="card">
      <h3>Summary metrics (B − A)</h3>
      <table className="data-table" data-testid="compare-metrics">
        <thead>
          <tr><th scope="col">metric</th><th scope="col" className="num">A</th><th scope="col" className="num">B</th><th scope="col" className="num">B − A</th></tr>
        </thead>
        <tbody>
          {c.diffs.map((d) => (
            <tr key={d.key} data-testid={`diff-${d.key}`}>
              <th scope="row">{METRIC_LABEL[d.key]}</th>
              <td className="num" data-testid={`diff-${d.key}-a`} data-value={d.a ?? ''}>{show(d.key, d.a, 'never certain')}</td>
              <td className="num" data-testid={`diff-${d.key}-b`} data-value={d.b ?? ''}>{show(d.key, d.b, 'never certain')}</td>
              <td className="num" data-testid={`diff-${d.key}-diff`} data-value={d.diff ?? ''}>{d.diff === null ? '—' : signed(d.key, d.diff)}</td>
            </tr>
          ))}
          {c.lists.map((l) => (
            <tr key={l.key}>
              <th scope="row">{l.key === 'backtrackingSegments' ? 'backtracking segments (1-based)' : 'plateau segments (1-based)'}</th>
              <td>{l.a.map((s) => s + 1).join(', ') || '—'}</td>
              <td>{l.b.map((s) => s + 1).join(', ') || '—'}</td>
              <td />
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
});

export const AlignedTable = memo(function AlignedTable({ c }: { c: CotComparison }) {
  const rows = c.rows.slice(0, MAX_ROWS);
  return (
    <div className="card">
      <h3>Segments, aligned by text</h3>
      <p className="muted">
        Rows pair segments of the same text (whitespace aside); a segment only one CoT has leaves a gap on the other side.
        {c.sharedPrefix === 1 ? ' The first segment is shared.' : c.sharedPrefix > 1 ? ` The first ${c.sharedPrefix} segments are shared.` : ''} ΔJ = J_k − J_(k−1) in nats; r is the §8 process reward (blank: outside the §7 top-k).
      </p>
      <div className="table-scroll">
        <table className="data-table" data-testid="compare-aligned">
          <thead>
            <tr>
              <th scope="col" className="num">A k</th><th scope="col">A segment</th><th scope="col" className="num">tokens</th><th scope="col" className="num">ΔJ</th><th scope="col" className="num">r</th><th scope="col">↩</th>
              <th scope="col" className="num">B k</th><th scope="col">B segment</th><th scope="col" className="num">tokens</th><th scope="col" className="num">ΔJ</th><th scope="col" className="num">r</th><th scope="col">↩</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={i} data-testid="aligned-row" data-same={r.same ? 'true' : 'false'}>
                <Side cell={r.a} side="a" />
                <Side cell={r.b} side="b" />
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {c.rows.length > MAX_ROWS && <p className="muted">Showing the first {MAX_ROWS} of {c.rows.length} rows.</p>}
    </div>
  );
});

function Side({ cell, side }: { cell: SegmentCell | null; side: 'a' | 'b' }) {
  if (!cell) {
    return (
      <>
        <td className="muted" data-testid={`${side}-gap`}>—</td>
        <td className="muted">(not in this CoT)</td>
        <td /><td /><td /><td />
      </>
    );
  }
  return (
    <>
      <td className="num" data-testid={`${side}-k`} data-value={cell.index + 1}>{cell.index + 1}</td>
      <td className="seg-text pre-wrap" data-testid={`${side}-text`}>{cell.text}</td>
      <td className="num" data-testid={`${side}-tokens`} data-value={cell.tokens}>{cell.tokens}</td>
      <td className="num" data-testid={`${side}-dJ`} data-value={cell.dJ}>{fixed(cell.dJ, 4)}</td>
      <td className="num" data-testid={`${side}-r`} data-value={cell.reward ?? ''}>{cell.reward === null ? '' : fixed(cell.reward, 4)}</td>
      <td data-testid={`${side}-bt`}>{cell.backtracking === null ? '' : `“${cell.backtracking}”`}</td>
    </>
  );
}
