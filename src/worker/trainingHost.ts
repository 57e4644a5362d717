// The training worker's run manager: any number of GRPO runs stepped round-robin on one device
// (so overlaid runs progress side by side), pause/resume/stop, checkpoints into IndexedDB, and
// recovery from device loss: pause every run → re-acquire the device → rebuild each model from its
// last checkpoint → resume. A checkpoint (weights or adapters, AdamW moments, trainer state) is the
// only read-back of the model: taken every checkpoint_every steps, at least every AUTOSAVE_STEPS
// steps or AUTOSAVE_MS, at pause, stop and the end, and after the step in flight when the page
// asks (saveAll) — never after every step. A reload or a device loss redoes at most the steps
// since the last one (the charts rewind to it and go on).
// The GPU and the storage come in as dependencies, so the scheduling logic is testable anywhere.
import type { ModelConfig } from '../engine/config.ts';
import { decodeTrainerCheckpoint, encodeTrainerCheckpoint } from '../rl/checkpoint.ts';
import type { TrainerSnapshot } from '../rl/snapshot.ts';
import type { GrpoTrainer, TrainerCallbacks } from '../rl/trainer.ts';
import { disposeTrainer, freshTrainer, migrateRunSpec, rebuildTrainer, type TrainingDeps } from './runTrainers.ts';
import { isEngineModel, sourceLabel } from './runModel.ts';
import type { RunSpec, RunStatus, SavedRunInfo, TrainingEvents } from './trainingApi.ts';

export type { TrainingDeps } from './runTrainers.ts';

interface Run {
  spec: RunSpec;
  trainer: GrpoTrainer;
  status: RunStatus;
  /** the last checkpoint taken (in memory too: device-loss recovery rebuilds from it) */
  lastSnapshot: TrainerSnapshot | null;
  /** saveAll asked for a checkpoint: the step in flight ends with one */
  saveRequested?: boolean;
  /** resolves when the step in flight (if any) is over: snapshots wait for it */
  busy: Promise<void>;
  /** step and time (ms) of the last save to storage, for the autosave below */
  savedStep?: number;
  savedAt?: number;
}

/**
 * Besides checkpoint_every, every run is saved at least this often (steps or ms), so a reload or a
 * device loss never redoes more than a few steps of either run of a comparison (a toy checkpoint
 * reads back the weights and two AdamW moments).
 */
export const AUTOSAVE_STEPS = 5;
export const AUTOSAVE_MS = 15_000;

const NO_EVENTS: TrainingEvents = {
  onMetrics() {}, onEval() {}, onSamples() {}, onLog() {}, onStatus() {},
};

export class TrainingHost {
  private readonly runs = new Map<string, Run>();
  private events: TrainingEvents = NO_EVENTS;
  private recovering = false;
  /** bumped by every recovery: a loop or a step of an older epoch ran on the lost device */
  private epoch = 0;
  private loopEpoch = -1;
  private readonly deps: TrainingDeps;

  constructor(deps: TrainingDeps) {
    this.deps = deps;
    deps.onDeviceLost((msg) => void this.recover(msg));
  }

  subscribe(events: TrainingEvents): void {
    this.events = events;
  }

  async start(given: RunSpec): Promise<void> {
    if (this.runs.has(given.runId)) throw new Error(`a run with id "${given.runId}" already exists`);
    const spec = migrateRunSpec(given);
    if (!Number.isInteger(spec.steps) || spec.steps < 1) throw new RangeError(`spec.steps must be an integer ≥ 1 (got ${spec.steps})`);
    this.events.onStatus(spec.runId, 'starting');
    const trainer = await this.freshTrainer(spec);
    this.runs.set(spec.runId, { spec, trainer, status: 'running', lastSnapshot: null, busy: Promise.resolve() });
    this.setStatus(spec.runId, 'running');
    void this.loop();
  }

  async resumeSaved(runId: string, repicked?: { files: File[]; name: string }): Promise<void> {
    if (this.runs.has(runId)) return this.resume(runId);
    const stored = await this.deps.load(runId);
    if (!stored) throw new Error(`no saved run "${runId}"`);
    let spec = migrateRunSpec(stored.spec);
    if (repicked) {
      const m = spec.model;
      if (!isEngineModel(m) || m.source.kind !== 'files') throw new Error(`run "${runId}" does not train a picked folder: nothing to re-pick`);
      spec = { ...spec, model: { ...m, source: { kind: 'files', files: repicked.files, name: repicked.name } } };
    }
    const snap = decodeTrainerCheckpoint(stored.checkpoint);
    const trainer = await this.rebuild(spec, snap);
    const done = trainer.step >= spec.steps;
    this.runs.set(runId, { spec, trainer, status: done ? 'finished' : 'running', lastSnapshot: snap, busy: Promise.resolve(), savedStep: snap.state.step, savedAt: Date.now() });
    for (const m of trainer.history) this.events.onMetrics(runId, m);
    for (const e of trainer.evalHistory) this.events.onEval(runId, e);
    this.setStatus(runId, done ? 'finished' : 'running');
    void this.loop();
  }

  async pause(runId: string): Promise<void> {
    const run = this.get(runId);
    if (run.status !== 'running') return;
    run.status = 'paused';
    await run.busy;
    if (run.status !== 'paused') return; // the step in flight finished the run, or a recovery took over
    await this.checkpoint(run);
    this.setStatus(runId, 'paused');
  }

  async resume(runId: string): Promise<void> {
    const run = this.get(runId);
    if (run.status !== 'paused') return;
    this.setStatus(runId, 'running');
    void this.loop();
  }

  async stop(runId: string): Promise<void> {
    const run = this.get(runId);
    if (run.status === 'stopped') return;
    run.status = 'stopped';
    await run.busy;
    if (run.status !== 'stopped') return;
    await this.checkpoint(run);
    this.setStatus(runId, 'stopped');
  }

  async listSaved(): Promise<SavedRunInfo[]> {
    return (await this.deps.list()).map((r) => ({ spec: migrateRunSpec(r.spec), step: r.step, savedAt: r.savedAt, history: r.history, evalHistory: r.evalHistory }));
  }

  async deleteSaved(runId: string): Promise<void> {
    const run = this.runs.get(runId);
    if (run && run.status === 'running') throw new Error(`run "${runId}" is running: stop it first`);
    if (run) {
      disposeTrainer(run.trainer);
      this.runs.delete(runId);
    }
    await this.deps.remove(runId);
  }

  /** A fresh checkpoint of the run's current state (also saved). */
  async currentCheckpoint(runId: string): Promise<{ spec: RunSpec; bytes: Uint8Array; params: Float32Array; config: ModelConfig }> {
    const run = this.runs.get(runId);
    if (run) {
      await run.busy;
      const bytes = await this.checkpoint(run);
      return { spec: run.spec, bytes, params: await run.trainer.engine.getParams(), config: run.trainer.engine.config };
    }
    const stored = await this.deps.load(runId);
    if (!stored) throw new Error(`no run "${runId}"`);
    const snap = decodeTrainerCheckpoint(stored.checkpoint);
    return { spec: migrateRunSpec(stored.spec), bytes: stored.checkpoint, params: snap.params, config: snap.state.modelConfig };
  }

  /** The weights a run started from: its regime's SFT checkpoint, exactly what freshTrainer loads. */
  async startingWeights(runId: string): Promise<{ spec: RunSpec; config: ModelConfig; params: Float32Array }> {
    const spec = this.runs.get(runId)?.spec ?? (await this.deps.load(runId))?.spec;
    if (!spec) throw new Error(`no run "${runId}"`);
    if (isEngineModel(spec.model)) throw new Error(`run "${runId}" trains LoRA adapters on ${sourceLabel(spec.model.source)}: its starting point is that base model (export the adapter or the merged model instead)`);
    return { spec, ...(await this.deps.initialWeights(spec.regime ?? 'mixed')) };
  }

  /** Round-robin: one step of each running run per turn, until none is running (one loop per epoch). */
  private async loop(): Promise<void> {
    if (this.loopEpoch === this.epoch) return;
    const epoch = this.epoch;
    this.loopEpoch = epoch;
    const stale = () => this.recovering || epoch !== this.epoch;
    try {
      for (;;) {
        if (stale()) return;
        const active = [...this.runs.values()].filter((r) => r.status === 'running');
        if (active.length === 0) return;
        for (const run of active) {
          if (run.status !== 'running' || stale()) continue;
          let done!: () => void;
          run.busy = new Promise((r) => { done = r; });
          try {
            await this.stepRun(run, epoch);
          } catch (e) {
            // A step that failed because the device went away is the recovery's business.
            if (stale() || (await this.deps.isDeviceLost()) || stale()) return;
            run.status = 'error';
            this.setStatus(run.spec.runId, 'error', e instanceof Error ? e.message : String(e));
          } finally {
            done();
          }
        }
      }
    } finally {
      if (this.loopEpoch === epoch) this.loopEpoch = -1;
    }
  }

  private async stepRun(run: Run, epoch: number): Promise<void> {
    const trainer = run.trainer;
    const m = await trainer.trainStep();
    if (epoch !== this.epoch || run.trainer !== trainer) return; // recovered meanwhile: this step is lost
    const every = run.spec.config.checkpoint_every;
    const finished = m.step >= run.spec.steps;
    if (!finished && !run.saveRequested && !(every > 0 && m.step % every === 0) && !this.autosaveDue(run, m.step)) return;
    // The one read-back of the model, only when a checkpoint is due.
    run.saveRequested = false;
    const snap = await trainer.snapshot();
    if (epoch !== this.epoch || run.trainer !== trainer) return;
    run.lastSnapshot = snap;
    if (finished) run.status = 'finished';
    await this.save(run, snap);
    if (finished) this.setStatus(run.spec.runId, 'finished');
  }

  private autosaveDue(run: Run, step: number): boolean {
    return step - (run.savedStep ?? 0) >= AUTOSAVE_STEPS || Date.now() - (run.savedAt ?? 0) >= AUTOSAVE_MS;
  }

  /**
   * The page is being hidden or unloading: every running run checkpoints after its step in flight
   * (not waited for: there may be no time), and a checkpoint taken but not stored (storage failed)
   * is stored again now.
   */
  async saveAll(): Promise<void> {
    const saves: Promise<unknown>[] = [];
    for (const run of this.runs.values()) {
      if (run.status === 'running') run.saveRequested = true;
      if (run.lastSnapshot && run.lastSnapshot.state.step !== run.savedStep) saves.push(this.save(run, run.lastSnapshot));
    }
    await Promise.all(saves);
  }

  /** Snapshot of the (idle) trainer, remembered and saved. */
  private async checkpoint(run: Run): Promise<Uint8Array> {
    const snap = await run.trainer.snapshot();
    run.lastSnapshot = snap;
    return this.save(run, snap);
  }

  private async save(run: Run, snap: TrainerSnapshot): Promise<Uint8Array> {
    const bytes = encodeTrainerCheckpoint(snap);
    run.savedAt = Date.now();
    try {
      await this.deps.save({
        runId: run.spec.runId, spec: run.spec, step: snap.state.step, savedAt: Date.now(), checkpoint: bytes,
        history: snap.state.history, evalHistory: snap.state.evalHistory,
      });
      run.savedStep = snap.state.step;
    } catch (e) {
      this.events.onLog(run.spec.runId, `checkpoint kept in memory only: ${(e as Error).message}`);
    }
    return bytes;
  }

  /** Device lost: pause all, re-acquire, rebuild each run from its last snapshot, resume. */
  private async recover(message: string): Promise<void> {
    if (this.recovering) return;
    this.recovering = true;
    this.epoch++;
    const resume = new Set<Run>();
    for (const run of this.runs.values()) {
      if (run.status !== 'running') continue;
      resume.add(run);
      run.status = 'paused';
      this.events.onStatus(run.spec.runId, 'paused', `GPU device lost (${message}); recovering from the last checkpoint`);
    }
    try {
      await this.deps.reacquireDevice();
      for (const run of this.runs.values()) {
        if (run.status === 'error') continue;
        const lostAt = run.trainer.step;
        try {
          disposeTrainer(run.trainer);
        } catch {
          // its device is gone; nothing to free
        }
        run.trainer = run.lastSnapshot ? await this.rebuild(run.spec, run.lastSnapshot) : await this.freshTrainer(run.spec);
        const redo = lostAt - run.trainer.step;
        this.events.onLog(run.spec.runId, `rebuilt on a new device at step ${run.trainer.step}, its last checkpoint${redo > 0 ? ` (steps ${run.trainer.step + 1}–${lostAt} are redone)` : ''}`);
        if (resume.has(run)) this.setStatus(run.spec.runId, 'running');
      }
    } catch (e) {
      for (const run of resume) {
        run.status = 'error';
        this.setStatus(run.spec.runId, 'error', `could not recover from device loss: ${(e as Error).message}`);
      }
    } finally {
      this.recovering = false;
    }
    void this.loop();
  }

  private rebuild(spec: RunSpec, snap: TrainerSnapshot): Promise<GrpoTrainer> {
    return rebuildTrainer(this.deps, spec, snap, this.callbacks(spec.runId));
  }

  private freshTrainer(spec: RunSpec): Promise<GrpoTrainer> {
    return freshTrainer(this.deps, spec, this.callbacks(spec.runId));
  }

  /** Event forwarding for a trainer built now; silenced once a recovery replaces it. */
  private callbacks(runId: string): TrainerCallbacks {
    const epoch = this.epoch;
    const live = () => epoch === this.epoch;
    return {
      onMetrics: (m) => live() && this.events.onMetrics(runId, m),
      onEval: (e) => live() && this.events.onEval(runId, e),
      onSamples: (s) => live() && this.events.onSamples(runId, s),
      onLog: (l) => live() && this.events.onLog(runId, l),
    };
  }

  private get(runId: string): Run {
    const run = this.runs.get(runId);
    if (!run) throw new Error(`no run "${runId}"`);
    return run;
  }

  private setStatus(runId: string, status: RunStatus, message?: string): void {
    const run = this.runs.get(runId);
    if (run) run.status = status;
    this.events.onStatus(runId, status, message);
  }
}
