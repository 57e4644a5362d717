// The accessible table view of the inspector's numbers, one row per boundary k = 0 … K. Each cell
// carries data-value (the full-precision number) so tests and screen readers get exact values.
import { memo } from 'react';
import type { Trajectory } from '../../repro/types.ts';
import type { InspectionAnalysis } from '../../analysis/inspectionAnalysis.ts';
import { fixed } from '../format.ts';

/** Rows rendered at most (a 1 000-segment CoT is fine; beyond this the export has them all). */
const MAX_ROWS = 2000;

export const NumbersTable = memo(function NumbersTable({ t, a, step }: { t: Trajectory; a: InspectionAnalysis; step: number }) {
  const pointOf = new Map(a.boundaries.map((k, j) => [k, j]));
  const rows = Math.min(a.K + 1, MAX_ROWS);
  return (
    <div className="card">
      <h3>Numbers</h3>
      <div className="table-scroll">
        <table className="data-table" data-testid="numbers-table">
          <caption className="muted" style={{ textAlign: 'left' }}>
            J_k in nats; S_magn, S_stab, S on the kept boundaries (repro-method.md §4–§7); r is the process reward of segment k (§8).
          </caption>
          <thead>
            <tr>
              <th scope="col">k</th>
              <th scope="col" className="num">J_k</th>
              <th scope="col" className="num">S_magn</th>
              <th scope="col" className="num">S_stab</th>
              <th scope="col" className="num">S(k)</th>
              <th scope="col" className="num">r_k</th>
              <th scope="col" className="num">H first token</th>
              <th scope="col" className="num">tokens</th>
              <th scope="col">marks</th>
            </tr>
          </thead>
          <tbody>
            {Array.from({ length: rows }, (_, k) => {
              const j = pointOf.get(k);
              const seg = k - 1;
              const reward = seg >= 0 ? a.rewardBySegment[seg] : null;
              return (
                <tr key={k} className={k === step ? 'current' : undefined} data-testid={`row-${k}`} aria-current={k === step ? 'step' : undefined}>
                  <th scope="row">{k}</th>
                  <Num id={`J-${k}`} v={t.J[k]} />
                  <Num id={`magn-${k}`} v={j === undefined ? null : a.magnitude[j]} />
                  <Num id={`stab-${k}`} v={j === undefined ? null : a.stability[j]} />
                  <Num id={`S-${k}`} v={j === undefined ? null : a.score[j]} />
                  <Num id={`r-${k}`} v={reward} />
                  <Num id={`H-${k}`} v={seg >= 0 ? t.firstTokenEntropy[seg] : null} />
                  <td className="num">{seg >= 0 ? t.tokenSpans[seg].end - t.tokenSpans[seg].start : ''}</td>
                  <td>
                    {seg >= 0 && a.kept.includes(seg) && a.kept.length < a.K ? 'top-k ' : ''}
                    {seg >= 0 && a.markerBySegment[seg] !== null ? `backtracking “${a.markerBySegment[seg]}”` : ''}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {a.K + 1 > MAX_ROWS && <p className="muted">Showing the first {MAX_ROWS} of {a.K + 1} rows; export JSON for all.</p>}
    </div>
  );
});

function Num({ id, v }: { id: string; v: number | null }) {
  return (
    <td className="num" data-testid={id} data-value={v === null ? '' : String(v)}>
      {v === null ? '' : fixed(v, 4)}
    </td>
  );
}
