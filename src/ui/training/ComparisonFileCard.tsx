// Export the shown comparison as one file (configs, metric histories, evaluations, samples and,
// optionally, weights), or import one to see it in the dashboard beside the live runs.
import { useState } from 'react';
import { useComparison } from '../../store/comparisonStore.ts';
import { useTraining } from '../../store/trainingStore.ts';
import { downloadText } from '../download.ts';

export function ComparisonFileCard() {
  const { busy, error, weights, exportText, importText, inspectImported } = useComparison();
  const runs = useTraining((s) => s.runs);
  const [withWeights, setWithWeights] = useState(false);
  const imported = Object.keys(weights).filter((id) => runs[id]);
  return (
    <div className="card" data-testid="comparison-file">
      <h3>Comparison file</h3>
      <div className="row">
        <label>
          <input type="checkbox" checked={withWeights} onChange={(e) => setWithWeights(e.target.checked)} data-testid="comparison-with-weights" />
          {' '}include weights
        </label>
        <button type="button" disabled={busy} data-testid="export-comparison" onClick={async () => {
          const text = await exportText(withWeights);
          if (text) downloadText(`repro-comparison-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}.json`, text, 'application/json');
        }}>
          Export comparison
        </button>
        <label className="file-button">
          Import comparison…
          <input type="file" accept=".json,application/json" data-testid="import-comparison" onChange={async (e) => {
            const f = e.target.files?.[0];
            e.target.value = '';
            if (f) importText(await f.text(), f.name);
          }} />
        </label>
      </div>
      {imported.map((id) => (
        <div key={id} className="row">
          <span>{runs[id].spec.label}</span>
          <button type="button" onClick={() => void inspectImported(id)} data-testid="inspect-imported">Inspect its weights</button>
        </div>
      ))}
      {error && <p className="error" role="alert" data-testid="comparison-error">{error}</p>}
    </div>
  );
}
