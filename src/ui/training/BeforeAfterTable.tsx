// A held-out set batch-scored under the base and under base + adapter: the overthinking metrics
// before → after (src/analysis/beforeAfter.ts), rows left out of the means counted beside them.
import { beforeAfterTable, type SideAggregate } from '../../analysis/beforeAfter.ts';

const fmt = (x: number | null, d: number) => (x === null ? '—' : x.toFixed(d));

export function BeforeAfterTable({ before, after, step, items }: { before: SideAggregate; after: SideAggregate; step: number; items: number }) {
  const rows = beforeAfterTable(before, after);
  const leftOut = before.leftOut + after.leftOut;
  return (
    <div data-testid="before-after">
      <p className="muted">{items} held-out item{items === 1 ? '' : 's'}, greedy: base → base + adapter (step {step}).</p>
      <table className="data-table">
        <thead>
          <tr><th scope="col">Metric</th><th scope="col" className="num">Base</th><th scope="col" className="num">Adapted</th><th scope="col" className="num">Δ</th></tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            // a change that rounds to zero at the shown digits is shown as none, uncoloured
            const zero = r.delta !== null && Number(r.delta.toFixed(r.digits)) === 0;
            const improved = zero ? null : r.improved;
            return (
            <tr key={r.key} data-testid={`before-after-${r.key}`}>
              <th scope="row">{r.label}</th>
              <td className="num">{fmt(r.before, r.digits)}</td>
              <td className="num">{fmt(r.after, r.digits)}</td>
              <td className={`num ${improved === true ? 'good' : improved === false ? 'bad' : ''}`}>
                {r.delta === null ? '' : zero ? (0).toFixed(r.digits) : `${r.delta > 0 ? '+' : ''}${r.delta.toFixed(r.digits)}`}
              </td>
            </tr>
            );
          })}
        </tbody>
      </table>
      {leftOut > 0 && (
        <p className="warning" role="status">
          ⚠ Left out of the means: {before.leftOut} row{before.leftOut === 1 ? '' : 's'} under the base, {after.leftOut} under base + adapter (errors, or input the model cannot represent).
        </p>
      )}
    </div>
  );
}
