// The Batch screen: upload a prompt set, run it in the worker, and read the results.
import { useEffect } from 'react';
import { useBatch } from '../../store/batchStore.ts';
import { UploadPanel } from './UploadPanel.tsx';
import { RunPanel } from './RunPanel.tsx';
import { ResultsTable } from './ResultsTable.tsx';
import { BatchCharts } from './BatchCharts.tsx';
import { VerlExportButton } from '../export/VerlExportButton.tsx';

export function BatchScreen() {
  const error = useBatch((s) => s.error);
  const refreshRuns = useBatch((s) => s.refreshRuns);
  useEffect(() => {
    void refreshRuns();
  }, [refreshRuns]);
  return (
    <section className="screen" aria-labelledby="batch-title">
      <h2 id="batch-title">Batch analysis</h2>
      <div className="grid-2">
        <UploadPanel />
        <RunPanel />
      </div>
      {error && (
        <p className="error card error-card" role="alert" data-testid="batch-error">
          {error}
        </p>
      )}
      <ResultsTable />
      <BatchCharts />
      <VerlExportButton source="batch" />
    </section>
  );
}
