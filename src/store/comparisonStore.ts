// Export / import of a whole training comparison as one file (src/data/comparisonFile.ts): every
// shown run's spec, metric history, evaluations and samples, optionally its current weights.
// Imported runs join the dashboard as stopped runs (labelled as imported, ids prefixed so they never
// clash with live runs); their weights, if the file has them, open in the inspector.
import { create } from 'zustand';
import { parseComparison, serializeComparison, type ComparisonRun } from '../data/comparisonFile.ts';
import type { RunSpec } from '../worker/trainingApi.ts';
import { useTraining, type RunView } from './trainingStore.ts';
import { useModel } from './modelStore.ts';
import { useSettings } from './settingsStore.ts';
import { startRate } from './eta.ts';

interface ComparisonState {
  /** weights of imported runs, by their (prefixed) run id */
  weights: Record<string, Uint8Array>;
  busy: boolean;
  error: string | null;
  /** The file's text; null when nothing is shown or an export failed (the error is in `error`). */
  exportText(withWeights: boolean): Promise<string | null>;
  importText(text: string, fileName: string): void;
  inspectImported(runId: string): Promise<void>;
}

export const IMPORTED_PREFIX = 'imported-';

export const useComparison = create<ComparisonState>((set, get) => ({
  weights: {},
  busy: false,
  error: null,
  async exportText(withWeights) {
    const runs = Object.values(useTraining.getState().runs).filter((r) => !r.hidden);
    if (runs.length === 0) {
      set({ error: 'No run to export: start or import a comparison first (hidden runs are left out).' });
      return null;
    }
    set({ busy: true, error: null });
    try {
      const out: ComparisonRun[] = [];
      for (const r of runs) {
        let checkpoint: ComparisonRun['checkpoint'];
        if (withWeights) {
          const own = get().weights[r.spec.runId];
          checkpoint = own ? { safetensors: own, configJson: '{}' } : (await useTraining.getState().exportCheckpoint(r.spec.runId)) ?? undefined;
          if (!checkpoint) throw new Error(`the weights of ${r.spec.label} could not be exported: ${useTraining.getState().error ?? 'unknown error'}`);
        }
        out.push({ spec: r.spec as unknown as ComparisonRun['spec'], status: r.status, metrics: r.metrics, evals: r.evals, samples: r.samples, checkpoint });
      }
      return serializeComparison({ exportedAt: new Date().toISOString(), runs: out });
    } catch (e) {
      set({ error: `Export failed: ${(e as Error).message}` });
      return null;
    } finally {
      set({ busy: false });
    }
  },
  importText(text, fileName) {
    let file;
    try {
      file = parseComparison(text);
    } catch (e) {
      set({ error: `${fileName}: ${(e as Error).message}` });
      return;
    }
    const views: Record<string, RunView> = {};
    const weights: Record<string, Uint8Array> = {};
    for (const r of file.runs) {
      const runId = r.spec.runId.startsWith(IMPORTED_PREFIX) ? r.spec.runId : `${IMPORTED_PREFIX}${r.spec.runId}`;
      const spec = { ...r.spec, runId, label: `${r.spec.label} (imported)` } as unknown as RunSpec;
      const last = r.metrics.at(-1)?.step ?? 0;
      views[runId] = {
        spec, status: 'stopped', message: `imported from ${fileName} (exported ${file.exportedAt}); not resumable here`,
        metrics: r.metrics, evals: r.evals, samples: r.samples, log: [], hidden: false,
        runningSince: null, stepAtRunningSince: last, rate: startRate(last, Date.now()), pending: null,
      };
      if (r.checkpoint) weights[runId] = r.checkpoint.safetensors;
    }
    useTraining.setState((s) => ({ runs: { ...s.runs, ...views } }));
    set((s) => ({ error: null, weights: { ...s.weights, ...weights } }));
  },
  async inspectImported(runId) {
    const bytes = get().weights[runId];
    const run = useTraining.getState().runs[runId];
    if (!bytes || !run) return;
    useSettings.getState().setTab('inspector');
    await useModel.getState().load({ kind: 'checkpoint', name: `${run.spec.label} · step ${run.metrics.at(-1)?.step ?? 0}`, bytes });
  },
}));
