// "Look at what changed" for a LoRA run (issue #23 §3): open its current adapter on its base in the
// inspector, compare one held-out question under base and base + adapter, batch-score held-out
// items under both (before → after), export the adapter (PEFT) and the merged model. The model
// worker does the model work on temporary models (the inspector's loaded model stays, except for
// "open in inspector", which loads the adapted model in its place); this holds plain data.
import { create } from 'zustand';
import { proxy } from 'comlink';
import type { BatchItemResult } from '../worker/api.ts';
import type { EngineRunModel, RunSpec } from '../worker/trainingApi.ts';
import { workerApi } from '../worker/client.ts';
import { trainingApi } from '../worker/trainingClient.ts';
import { rowOf } from '../analysis/batchRows.ts';
import { aggregateRows, type SideAggregate } from '../analysis/beforeAfter.ts';
import { sourceLabel } from '../worker/runModel.ts';
import { useTraining } from './trainingStore.ts';
import { useModel, errorText } from './modelStore.ts';
import { useSettings } from './settingsStore.ts';
import { useInspector } from './inspectorStore.ts';
import { useCompare } from './compareStore.ts';
import { startRate } from './eta.ts';
import { adaptedSpecOf, adapterNameOf, heldOutItemsOf, runBaseSpec } from './runAfter.ts';

export interface BeforeAfterState {
  phase: string;
  done: number;
  total: number;
  before: SideAggregate | null;
  after: SideAggregate | null;
  /** the adapter's step and the number of held-out items scored */
  step: number;
  items: number;
  error: string | null;
  running: boolean;
}

interface RunAfterState {
  /** per run: the last action's error (shown on its card) and what is in progress */
  busy: Record<string, string | null>;
  errors: Record<string, string | null>;
  beforeAfter: Record<string, BeforeAfterState>;
  openInInspector(runId: string): Promise<unknown>;
  compareBaseAdapted(runId: string): Promise<unknown>;
  batchBeforeAfter(runId: string): Promise<unknown>;
  cancelBeforeAfter(runId: string): void;
  exportPeft(runId: string): Promise<Record<string, Uint8Array> | null>;
  exportMerged(runId: string): Promise<{ files: Record<string, Uint8Array>; leftOut: string[] } | null>;
}

/** The run's spec (live or saved) and its last completed step. */
function runOf(runId: string): { spec: RunSpec; model: EngineRunModel; step: number } {
  const t = useTraining.getState();
  const live = t.runs[runId];
  const saved = t.saved.find((r) => r.spec.runId === runId);
  const spec = live?.spec ?? saved?.spec;
  if (!spec) throw new Error(`run ${runId} is neither running nor saved`);
  if (spec.model?.kind !== 'engine') throw new Error(`run ${spec.label} trains the toy model's full weights: it has no adapter (use its sample's "compare with the starting model")`);
  return { spec, model: spec.model, step: live ? (live.metrics.at(-1)?.step ?? 0) : (saved?.step ?? 0) };
}

/** Greedy decoding up to the run's response length: what the held-out evaluation does. */
function greedy(spec: RunSpec) {
  return { maxNewTokens: spec.config.max_completion_length, temperature: 0, topK: 0, topP: 1, seed: spec.config.seed };
}

async function adapted(runId: string) {
  const r = runOf(runId);
  const peft = await trainingApi().exportPeft(runId);
  return { ...r, source: adaptedSpecOf(r.model, peft, adapterNameOf(r.spec, r.step)) };
}

let jobs = 0;
const beforeAfterJobs: Record<string, string> = {};

export const useRunAfter = create<RunAfterState>((set, get) => {
  /** One action per run at a time; its error lands on the run's card. */
  const act = async <T>(runId: string, what: string, job: () => Promise<T>): Promise<T | null> => {
    if (get().busy[runId]) return null;
    set((s) => ({ busy: { ...s.busy, [runId]: what }, errors: { ...s.errors, [runId]: null } }));
    try {
      return await job();
    } catch (e) {
      set((s) => ({ errors: { ...s.errors, [runId]: `${what}: ${errorText(e)}` } }));
      return null;
    } finally {
      set((s) => ({ busy: { ...s.busy, [runId]: null } }));
    }
  };
  const setBA = (runId: string, patch: Partial<BeforeAfterState>) =>
    set((s) => ({ beforeAfter: { ...s.beforeAfter, [runId]: { ...(s.beforeAfter[runId] ?? EMPTY_BA), ...patch } } }));
  return {
    busy: {},
    errors: {},
    beforeAfter: {},
    openInInspector: (runId) => act(runId, 'opening the adapter in the inspector', async () => {
      const a = await adapted(runId);
      await useModel.getState().load(a.source);
      const err = useModel.getState().error;
      // a failed load keeps the previous model: say so on the card too
      if (err) throw new Error(err);
      const first = heldOutItemsOf(a.spec, 1)[0];
      if (first) useInspector.getState().setInput({ question: first.question, answer: first.answer, cot: '' });
      useSettings.getState().setTab('inspector');
    }),
    compareBaseAdapted: (runId) => act(runId, 'comparing base and adapted', async () => {
      const a = await adapted(runId);
      const item = heldOutItemsOf(a.spec, 1)[0];
      if (!item) throw new Error('the run has no held-out item to ask both models');
      await useCompare.getState().compareModels('training', item, [
        { label: `Base: ${sourceLabel(a.model.source)}`, weights: `${sourceLabel(a.model.source)} (no adapter)`, source: runBaseSpec(a.model.source) },
        { label: `Base + adapter (${adapterNameOf(a.spec, a.step)})`, weights: `base + the run's adapter at step ${a.step}`, source: a.source },
      ], greedy(a.spec));
    }),
    batchBeforeAfter: (runId) => act(runId, 'batch before → after', async () => {
      const a = await adapted(runId);
      const items = heldOutItemsOf(a.spec);
      const s = useSettings.getState().settings;
      const opts = { probe: s.probe ?? null, delimiter: s.delimiter, delimiterIsRegex: s.delimiterIsRegex, sampling: greedy(a.spec) };
      setBA(runId, { ...EMPTY_BA, running: true, step: a.step, items: items.length, total: 2 * items.length, phase: 'loading the base' });
      const analysis = { w: s.w, eps: s.eps, markers: s.markers };
      const score = async (side: 'before' | 'after', source: typeof a.source, offset: number) => {
        const job = (beforeAfterJobs[runId] = `before-after-${++jobs}`);
        const what = side === 'before' ? 'under the base' : 'under base + adapter';
        setBA(runId, { phase: `${what}: loading`, done: offset });
        const out = await workerApi().runBatchWith(job, source, items, opts, proxy((_r: BatchItemResult, done: number) => setBA(runId, { phase: what, done: offset + done })));
        if (out.cancelled) throw new Error('cancelled; the numbers of a half-scored side are not shown');
        setBA(runId, { [side]: aggregateRows(out.results.map((r, i) => rowOf(i, r, analysis))), done: offset + items.length });
      };
      try {
        await score('before', runBaseSpec(a.model.source), 0);
        await score('after', a.source, items.length);
        setBA(runId, { running: false, phase: 'done' });
      } catch (e) {
        setBA(runId, { running: false, error: errorText(e) });
        throw e;
      } finally {
        delete beforeAfterJobs[runId];
      }
    }),
    cancelBeforeAfter(runId) {
      const job = beforeAfterJobs[runId];
      if (job) void workerApi().cancel(job);
    },
    exportPeft: (runId) => act(runId, 'exporting the adapter', () => trainingApi().exportPeft(runId)),
    exportMerged: (runId) => act(runId, 'exporting the merged model', () => trainingApi().exportMerged(runId)),
  };
});

/** Start a run from a whole spec (a LoRA run on an engine model), shown on the training screen with its card. */
export async function startRunWithCard(spec: RunSpec): Promise<void> {
  await useTraining.getState().connect();
  useTraining.setState((s) => ({ runs: { ...s.runs, [spec.runId]: {
    spec, status: 'starting', message: null, metrics: [], evals: [], samples: [], log: [], hidden: false, runningSince: null, stepAtRunningSince: 0, pending: null, rate: startRate(0, Date.now()),
  } } }));
  await trainingApi().start(spec);
}

const EMPTY_BA: BeforeAfterState = { phase: '', done: 0, total: 0, before: null, after: null, step: 0, items: 0, error: null, running: false };
