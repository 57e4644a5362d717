// The training screen's state: every run the worker reports on (spec, status, metric history,
// held-out evals, latest samples, log), which runs the charts show, and the RPC actions.
import { create } from 'zustand';
import { proxy } from 'comlink';
import type { EvalMetrics, RolloutSample, StepMetrics } from '../rl/metrics.ts';
import { comparisonSpecs, type ComparisonRequest } from './comparisonSpecs.ts';
import type { RunSpec, RunStatus, SavedRunInfo, TrainingEvents } from '../worker/trainingApi.ts';
import { trainingApi } from '../worker/trainingClient.ts';
import { useModel } from './modelStore.ts';
import { useInspector } from './inspectorStore.ts';
import { useSettings } from './settingsStore.ts';
import { startRate, updateRate, type RateState } from './eta.ts';

/** The comparison a run belongs to (runs saved before comparisonId: the stamp in the run id). */
export function comparisonOf(spec: RunSpec): string {
  return spec.comparisonId ?? spec.runId.replace(/^(outcome|repro)-/, '');
}

export interface RunView {
  spec: RunSpec;
  status: RunStatus;
  message: string | null;
  metrics: StepMetrics[];
  evals: EvalMetrics[];
  samples: RolloutSample[];
  log: string[];
  hidden: boolean;
  /** wall-clock ms when the latest stretch of running began, and the step count then (for steps/s) */
  runningSince: number | null;
  stepAtRunningSince: number;
  /** smoothed time per step (store/eta.ts), for a steady ETA */
  rate: RateState;
  /**
   * Asked to stop or pause, and the worker has not confirmed yet: it finishes the step in flight
   * first (which is still recorded), so the screen says "stopping…" until the status changes.
   */
  pending: 'stopping' | 'pausing' | null;
  /** The worker refused to start it: there is no run there to inspect or export. */
  refused?: boolean;
}

/** Whether the worker holds this run (so its weights can be inspected or exported). */
export function hasWorkerRun(r: RunView): boolean {
  return r.status !== 'starting' && !r.refused;
}

interface TrainingState {
  runs: Record<string, RunView>;
  saved: SavedRunInfo[];
  error: string | null;
  subscribed: boolean;
  connect(): Promise<void>;
  /** outcome-only vs RePro for each estimator (default GRPO only), all side by side, on the request's model and task (default the toy from the regime's SFT checkpoint) */
  startComparison(req: ComparisonRequest): Promise<void>;
  pause(runId: string): Promise<void>;
  resume(runId: string): Promise<void>;
  stop(runId: string): Promise<void>;
  /** `repicked`: the model folder picked again (a picked folder's files the browser did not keep). */
  resumeSaved(runId: string, repicked?: { files: File[]; name: string }): Promise<void>;
  /** Resume every saved run of a comparison together (outcome-only and RePro as a pair). */
  resumeComparison(comparisonId: string): Promise<void>;
  /** Save every run's last completed step now (called when the page is hidden or unloaded). */
  saveAll(): void;
  deleteSaved(runId: string): Promise<void>;
  toggleHidden(runId: string): void;
  /**
   * Loads the run's current weights as the inspector's model and switches to the inspector; with
   * a sample, also puts its question, CoT and answer there and scores it.
   */
  openInInspector(runId: string, sample?: RolloutSample): Promise<void>;
  /** The run's current checkpoint (safetensors + config.json); null when it failed (the error is in `error`). */
  exportCheckpoint(runId: string): Promise<{ safetensors: Uint8Array; configJson: string } | null>;
  /** The run's current weights as ONNX; null when it failed (the error is in `error`). */
  exportOnnx(runId: string): Promise<Uint8Array | null>;
}

const LOG_LINES = 200;
/** How long worker events wait to be applied together (well under a frame of a chart's redraw). */
const EVENT_BATCH_MS = 50;

function emptyView(spec: RunSpec): RunView {
  return {
    spec, status: 'starting', message: null, metrics: [], evals: [], samples: [], log: [], hidden: false, runningSince: null, stepAtRunningSince: 0, pending: null,
    rate: startRate(0, Date.now()),
  };
}

export const useTraining = create<TrainingState>((set, get) => {
  const patch = (runId: string, f: (r: RunView) => Partial<RunView>) => {
    flushEvents(); // what the worker reported before comes first
    set((s) => (s.runs[runId] ? { runs: { ...s.runs, [runId]: { ...s.runs[runId], ...f(s.runs[runId]) } } } : {}));
  };
  // The worker's events arrive as separate messages (a resume replays the whole history, a step
  // brings metrics, samples and log lines), and each store change re-renders the screen in the
  // message's task: apply them together, EVENT_BATCH_MS after the first of a burst.
  let queued: { runId: string; f: (r: RunView) => Partial<RunView> }[] = [];
  let flushTimer: ReturnType<typeof setTimeout> | null = null;
  function flushEvents(): void {
    if (flushTimer !== null) clearTimeout(flushTimer);
    flushTimer = null;
    if (queued.length === 0) return;
    const ops = queued;
    queued = [];
    set((s) => {
      const runs = { ...s.runs };
      for (const { runId, f } of ops) if (runs[runId]) runs[runId] = { ...runs[runId], ...f(runs[runId]) };
      return { runs };
    });
  }
  const patchSoon = (runId: string, f: (r: RunView) => Partial<RunView>) => {
    queued.push({ runId, f });
    flushTimer ??= setTimeout(flushEvents, EVENT_BATCH_MS);
  };
  const events: TrainingEvents = {
    // A step number seen again means the run was rewound (device-loss recovery from the last
    // snapshot): the new step replaces it and everything after it.
    onMetrics: (id, m) => patchSoon(id, (r) => ({ metrics: [...r.metrics.filter((x) => x.step < m.step), m], rate: updateRate(r.rate, m.step, Date.now()) })),
    onEval: (id, e) => patchSoon(id, (r) => ({ evals: [...r.evals.filter((x) => x.step < e.step), e] })),
    onSamples: (id, s) => patchSoon(id, () => ({ samples: s })),
    onLog: (id, line) => patchSoon(id, (r) => ({ log: [...r.log, line].slice(-LOG_LINES) })),
    onStatus: (id, status, message) => patchSoon(id, (r) => ({
      status,
      message: message ?? null,
      // the worker's word on the run: a stop or pause it was asked for is done (or overtaken)
      pending: status === r.status ? r.pending : null,
      runningSince: status === 'running' ? Date.now() : null,
      stepAtRunningSince: r.metrics.at(-1)?.step ?? 0,
      // a new stretch of running (resume): the time paused is not a step's time
      rate: status === 'running' ? startRate(r.metrics.at(-1)?.step ?? 0, Date.now()) : r.rate,
    })),
  };
  /** Runs f; a failure goes to the screen's error line. Returns that message, or null when f succeeded. */
  const guard = async (f: () => Promise<void>): Promise<string | null> => {
    try {
      set({ error: null });
      await f();
      return null;
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      set({ error: message });
      return message;
    }
  };
  /** Shows `pending` at once; the worker's status event clears it (a failed request clears it too). */
  const withPending = async (id: string, pending: 'stopping' | 'pausing', f: () => Promise<void>) => {
    patch(id, () => ({ pending }));
    if ((await guard(f)) !== null) patch(id, () => ({ pending: null }));
  };
  return {
    runs: {},
    saved: [],
    error: null,
    subscribed: false,
    async connect() {
      if (get().subscribed) return;
      set({ subscribed: true });
      await guard(async () => {
        await trainingApi().subscribe(proxy(events));
        set({ saved: await trainingApi().listSaved() });
      });
    },
    async startComparison(req) {
      await get().connect();
      for (const spec of comparisonSpecs(req, Date.now().toString(36))) {
        set((s) => ({ runs: { ...s.runs, [spec.runId]: emptyView(spec) } }));
        // A start the worker refused never sends a status: the row says so instead of 'starting' for ever.
        const refused = await guard(() => trainingApi().start(spec));
        if (refused !== null) patch(spec.runId, () => ({ status: 'error', message: `did not start: ${refused}`, refused: true }));
      }
    },
    pause: (id) => withPending(id, 'pausing', () => trainingApi().pause(id)),
    resume: async (id) => {
      await guard(() => trainingApi().resume(id));
    },
    stop: (id) => withPending(id, 'stopping', () => trainingApi().stop(id)),
    async resumeSaved(id, repicked) {
      const info = get().saved.find((r) => r.spec.runId === id);
      if (!info) return;
      // Leave the saved list at once, so a second click cannot resume the same run twice.
      set((s) => ({
        saved: s.saved.filter((r) => r.spec.runId !== id),
        // The saved history shows at once; the worker replays it (same steps) as the run resumes.
        runs: { ...s.runs, [id]: { ...emptyView(info.spec), metrics: info.history, evals: info.evalHistory, rate: startRate(info.step, Date.now()) } },
      }));
      await guard(async () => {
        await trainingApi().resumeSaved(id, repicked);
      });
    },
    async resumeComparison(comparisonId) {
      const ids = get().saved.filter((r) => comparisonOf(r.spec) === comparisonId).map((r) => r.spec.runId);
      for (const id of ids) await get().resumeSaved(id);
    },
    saveAll() {
      if (!get().subscribed || Object.values(get().runs).every((r) => r.status !== 'running' && r.status !== 'paused')) return;
      void trainingApi().saveAll().catch(() => undefined);
    },
    async deleteSaved(id) {
      await guard(async () => {
        await trainingApi().deleteSaved(id);
        set({ saved: get().saved.filter((r) => r.spec.runId !== id) });
      });
    },
    toggleHidden: (id) => patch(id, (r) => ({ hidden: !r.hidden })),
    async exportCheckpoint(id) {
      let out: { safetensors: Uint8Array; configJson: string } | null = null;
      await guard(async () => { out = await trainingApi().exportCheckpoint(id); });
      return out;
    },
    async exportOnnx(id) {
      let out: Uint8Array | null = null;
      await guard(async () => { out = await trainingApi().exportOnnx(id); });
      return out;
    },
    async openInInspector(id, sample) {
      await guard(async () => {
        const run = get().runs[id];
        const saved = get().saved.find((r) => r.spec.runId === id);
        const label = run?.spec.label ?? saved?.spec.label ?? id;
        const step = run ? (run.metrics.at(-1)?.step ?? 0) : (saved?.step ?? 0);
        const ck = await trainingApi().exportCheckpoint(id);
        useSettings.getState().setTab('inspector');
        const model = useModel.getState();
        await model.load({ kind: 'checkpoint', name: `${label} · step ${step}`, bytes: ck.safetensors });
        if (useModel.getState().error || !sample) return;
        const inspector = useInspector.getState();
        inspector.setInput({ question: sample.question, answer: sample.answer, cot: sample.cot });
        await inspector.score();
      });
    },
  };
});

// A reload or a closed tab must not lose either run of a comparison: save when the page is hidden
// (the last moment a tab reliably runs code) and on pagehide.
if (typeof document !== 'undefined' && typeof window !== 'undefined') {
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') useTraining.getState().saveAll();
  });
  window.addEventListener('pagehide', () => useTraining.getState().saveAll());
}
