// Two chains of thought of one question side by side (issue #17 §3): who scored each (weights),
// what makes them not like for like (flagged beside the numbers), both J curves overlaid, the
// summary metric differences and the segment-aligned table. Props `a`, `b` per the #17 contract.
import { useMemo } from 'react';
import { compareCots, comparisonJson, type CompareItem, type CotComparison } from '../../analysis/compareCots.ts';
import { downloadText } from '../download.ts';
import { useSettings } from '../../store/settingsStore.ts';
import { analysisSettingsOf } from '../../store/compareItems.ts';
import { CompareCharts } from './CompareCharts.tsx';
import { AlignedTable, MetricDiffTable } from './CompareTables.tsx';

export function CompareView({ a, b }: { a: CompareItem; b: CompareItem }) {
  const settings = useSettings((s) => s.settings);
  const { topK, w, eps, markers } = settings;
  const result = useMemo((): { c: CotComparison } | { error: string } => {
    try {
      return { c: compareCots(a, b, analysisSettingsOf({ topK, w, eps, markers })) };
    } catch (e) {
      return { error: (e as Error).message };
    }
  }, [a, b, topK, w, eps, markers]);
  if ('error' in result) {
    return <p className="error card error-card" role="alert" data-testid="compare-error">{result.error}</p>;
  }
  const { c } = result;
  return (
    <div data-testid="compare-view">
      <div className="card">
        <div className="row">
          <h3>Comparing two chains of thought</h3>
          <button type="button" onClick={() => downloadText(`comparison-${new Date().toISOString().replace(/[:.]/g, '-')}.json`, comparisonJson(a, b, c))} data-testid="compare-export">
            Export comparison (JSON)
          </button>
        </div>
        <p className="pre-wrap"><strong>Question:</strong> {c.question}</p>
        <ul>
          {([['A', a, c.a.K], ['B', b, c.b.K]] as const).map(([name, item, K]) => (
            <li key={name} data-testid={`compare-side-${name.toLowerCase()}`}>
              <strong>{name}: {item.label}</strong>
              {item.weights ? <span data-testid={`compare-weights-${name.toLowerCase()}`}> — scored with {item.weights}</span> : null}
              <span className="muted"> · {K} segments, {item.trajectory.cotTokens.length} tokens · answer {JSON.stringify(item.trajectory.answer)}</span>
            </li>
          ))}
        </ul>
        {c.flags.length > 0 && (
          <ul className="warning" role="status" data-testid="compare-flags">
            {c.flags.map((f) => <li key={f}>⚠ {f}</li>)}
          </ul>
        )}
      </div>
      <CompareCharts curve={c.curve} progress={c.progressCurve} labelA={a.label} labelB={b.label} />
      <MetricDiffTable c={c} />
      <AlignedTable c={c} />
    </div>
  );
}
