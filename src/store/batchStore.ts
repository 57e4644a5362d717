// The batch screen's state: the uploaded set and its per-line report, the run (progress, ETA,
// cancel), results streamed in and persisted one by one (IndexedDB), and past runs.
import { create } from 'zustand';
import { proxy } from 'comlink';
import { workerApi } from '../worker/client.ts';
import type { BatchItemResult, ParsedPromptFile } from '../worker/api.ts';
import { getBatchResults, listBatchRuns, putBatchResult, putBatchRun, deleteBatchRun, type StoredBatchRun } from '../data/persistence.ts';
import { useModel, errorText } from './modelStore.ts';
import { useSettings } from './settingsStore.ts';
import { rowOf, type BatchRow } from '../analysis/batchRows.ts';
import { parseRunInfo, type BatchRunInfo } from './batchRunInfo.ts';
import { startRate, updateRate, type RateState } from './eta.ts';
import type { FieldMapping } from '../data/promptItem.ts';

interface BatchState {
  parsed: ParsedPromptFile | null;
  parsing: boolean;
  error: string | null;
  runs: StoredBatchRun[];
  /** The run whose results are shown. */
  runId: string | null;
  results: BatchItemResult[];
  rows: BatchRow[];
  /** Model and settings of the shown run (null for runs saved without them). */
  runInfo: BatchRunInfo | null;
  running: string | null; // job id
  /** Times from performance.now(): start, and when the last result arrived (for the ETA). */
  progress: { done: number; total: number; startedAt: number; updatedAt: number; rate: RateState } | null;
  /** The last file read, kept so a mapping override can re-parse it. */
  source: { file: Blob; name: string } | null;
  /** Score input the model cannot represent anyway, flagged (off: not scored, the inspector's rule). */
  scoreUnrepresentable: boolean;
  setScoreUnrepresentable(on: boolean): void;
  loadFile(file: Blob, name: string, mapping?: FieldMapping): Promise<void>;
  /** Re-parses the last file with a field-mapping override ({} = automatic). */
  remap(mapping: FieldMapping): Promise<void>;
  loadExample(url: string, name: string): Promise<void>;
  start(): Promise<void>;
  cancel(): void;
  refreshRuns(): Promise<void>;
  openRun(id: string): Promise<void>;
  deleteRun(id: string): Promise<void>;
}

function rowOpts() {
  const s = useSettings.getState().settings;
  return { w: s.w, eps: s.eps, markers: s.markers };
}

export const useBatch = create<BatchState>((set, get) => ({
  parsed: null,
  parsing: false,
  error: null,
  runs: [],
  runId: null,
  results: [],
  rows: [],
  runInfo: null,
  running: null,
  progress: null,
  source: null,
  scoreUnrepresentable: false,
  setScoreUnrepresentable: (on) => set({ scoreUnrepresentable: on }),
  async loadFile(file, name, mapping) {
    set({ parsing: true, error: null, parsed: null, source: { file, name } });
    try {
      set({ parsed: await workerApi().parsePromptFile(file, name, mapping) });
    } catch (e) {
      set({ error: `Could not read ${name}: ${errorText(e)}` });
    } finally {
      set({ parsing: false });
    }
  },
  async remap(mapping) {
    const src = get().source;
    if (src && !get().running) await get().loadFile(src.file, src.name, mapping);
  },
  async loadExample(url, name) {
    try {
      const res = await fetch(url);
      if (!res.ok) throw new Error(`HTTP ${res.status} for ${url}`);
      await get().loadFile(await res.blob(), name);
    } catch (e) {
      set({ error: `Could not load the example ${name}: ${errorText(e)}` });
    }
  },
  async start() {
    const parsed = get().parsed;
    const model = useModel.getState().loaded;
    if (get().running || !parsed || parsed.items.length === 0) return;
    if (!model) {
      set({ error: 'Load a model first (Inspector → Model).' });
      return;
    }
    const s = useSettings.getState().settings;
    const opts = {
      probe: s.probe ?? model.defaultProbe,
      delimiter: s.delimiter,
      delimiterIsRegex: s.delimiterIsRegex,
      sampling: { maxNewTokens: s.maxNewTokens, temperature: s.temperature, topK: s.samplingTopK, topP: s.topP, seed: s.seed },
      scoreUnrepresentable: get().scoreUnrepresentable,
    };
    const runId = `run-${Date.now()}`;
    const run: StoredBatchRun = {
      id: runId,
      createdAt: new Date().toISOString(),
      name: parsed.name,
      total: parsed.items.length,
      status: 'running',
      settingsJson: JSON.stringify({ ...opts, model: model.info.id, backend: model.info.backend, label: model.label, dtype: model.info.dtype, entropyTopK: s.topK, markers: s.markers }),
    };
    set({ running: runId, runId, results: [], rows: [], runInfo: parseRunInfo(run.settingsJson), error: null, progress: { done: 0, total: parsed.items.length, startedAt: performance.now(), updatedAt: performance.now(), rate: startRate(0, performance.now()) } });
    const persist = putBatchRun(run).catch((e) => set({ error: `Results will not be saved: ${errorText(e)}` }));
    await persist;
    let cancelled = false;
    try {
      const r = await workerApi().runBatch(
        runId,
        parsed.items.map((i) => ({ id: i.id, line: i.line, question: i.question, answer: i.answer, cot: i.cot })),
        opts,
        proxy((result: BatchItemResult, done: number, total: number) => {
          const index = get().results.length;
          set((st) => ({
            results: [...st.results, result],
            rows: [...st.rows, rowOf(index, result, rowOpts())],
            progress: st.progress ? { ...st.progress, done, total, updatedAt: performance.now(), rate: updateRate(st.progress.rate, done, performance.now()) } : null,
          }));
          void putBatchResult(runId, index, result).catch(() => undefined);
        }),
      );
      cancelled = r.cancelled;
    } catch (e) {
      cancelled = true;
      set({ error: `The batch run stopped: ${errorText(e)}` });
    } finally {
      await putBatchRun({ ...run, status: cancelled ? 'cancelled' : 'done' }).catch(() => undefined);
      set({ running: null });
      await get().refreshRuns();
    }
  },
  cancel() {
    const id = get().running;
    if (id) void workerApi().cancel(id);
  },
  async refreshRuns() {
    try {
      const runs = await listBatchRuns();
      // A run still marked running that is not ours was interrupted by a reload: say so.
      for (const r of runs) {
        if (r.status === 'running' && r.id !== get().running) {
          r.status = 'cancelled';
          await putBatchRun(r);
        }
      }
      set({ runs });
      if (!get().runId && runs.length > 0) await get().openRun(runs[0].id);
    } catch (e) {
      set({ error: errorText(e) });
    }
  },
  async openRun(id) {
    if (get().running) return;
    const stored = await getBatchResults<BatchItemResult>(id);
    const opts = rowOpts();
    const run = get().runs.find((r) => r.id === id);
    set({
      runId: id, results: stored.map((s) => s.result), rows: stored.map((s, i) => rowOf(i, s.result, opts)), progress: null,
      runInfo: run ? parseRunInfo(run.settingsJson) : null,
    });
  },
  async deleteRun(id) {
    await deleteBatchRun(id);
    if (get().runId === id) set({ runId: null, results: [], rows: [], runInfo: null });
    await get().refreshRuns();
  },
}));
