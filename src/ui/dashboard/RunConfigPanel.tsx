// Each run's full config (spec + GRPO config) in columns, keys that differ highlighted, with a
// "differences only" view — what W&B's run comparison table shows.
import { useState } from 'react';
import type { RunView } from '../../store/trainingStore.ts';
import { configRows } from './configDiff.ts';

export function RunConfigPanel({ runs, colorOf }: { runs: RunView[]; colorOf(id: string): string }) {
  const [diffOnly, setDiffOnly] = useState(false);
  if (runs.length === 0) return null;
  const configs = runs.map((r) => ({ method: r.spec.method, steps: r.spec.steps, ...r.spec.config }) as Record<string, unknown>);
  const rows = configRows(configs);
  const differing = rows.filter((r) => r.differs).length;
  const shown = diffOnly ? rows.filter((r) => r.differs) : rows;
  return (
    <details className="card" data-testid="run-config">
      <summary>
        Run config ({rows.length} keys, <span data-testid="config-diff-count">{differing}</span> differ between runs)
      </summary>
      <label>
        <input type="checkbox" checked={diffOnly} onChange={(e) => setDiffOnly(e.target.checked)} data-testid="config-diff-only" /> differences only
      </label>
      <div className="table-scroll" style={{ maxHeight: 420 }}>
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">key</th>
              {runs.map((r) => (
                <th key={r.spec.runId} scope="col" className="num">
                  <span className="legend-swatch" style={{ background: colorOf(r.spec.runId) }} /> {r.spec.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.map((row) => (
              <tr key={row.key} className={row.differs ? 'config-differs' : undefined} data-testid={row.differs ? 'config-row-differs' : 'config-row'}>
                <td><code>{row.key}</code></td>
                {row.values.map((v, i) => <td key={i} className="num">{v}</td>)}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
