// The training worker's run manager: any number of GRPO runs stepped round-robin on one device
// (so overlaid runs progress side by side), pause/resume/stop, automatic checkpoints into
// IndexedDB (every checkpoint_every steps, at pause, at the end), and recovery from device loss:
// pause every run → re-acquire the device → rebuild each model from its last checkpoint → resume.
// The GPU and the storage come in as dependencies, so the scheduling logic is testable anywhere.
import type { ModelConfig } from '../engine/config.ts';
import type { TrainableModel } from '../engine/types.ts';
import { decodeTrainerCheckpoint, encodeTrainerCheckpoint } from '../rl/checkpoint.ts';
import { GrpoTrainer } from '../rl/trainer.ts';
import type { RunSpec, RunStatus, SavedRunInfo, TrainingEvents } from './trainingApi.ts';
import type { StoredTrainingRun } from './trainingStorage.ts';

export interface TrainingDeps {
  /** The starting weights (the bundled SFT checkpoint). */
  initialWeights(): Promise<{ config: ModelConfig; params: Float32Array }>;
  /** A model on the current device sized for `spec`; throws when the device is gone. */
  createModel(config: ModelConfig, params: Float32Array, spec: RunSpec): Promise<TrainableModel>;
  /** Registers a device-loss callback for the current device. */
  onDeviceLost(cb: (message: string) => void): void;
  /** Drops the lost device and acquires a new one. */
  reacquireDevice(): Promise<void>;
  save(run: StoredTrainingRun): Promise<void>;
  load(runId: string): Promise<StoredTrainingRun | undefined>;
  list(): Promise<StoredTrainingRun[]>;
  remove(runId: string): Promise<void>;
}

interface Run {
  spec: RunSpec;
  trainer: GrpoTrainer;
  status: RunStatus;
  /** bytes of the last checkpoint (also in IndexedDB) */
  lastCheckpoint: Uint8Array | null;
  /** the status to return to after a device-loss recovery */
  wasRunning: boolean;
}

const NO_EVENTS: TrainingEvents = {
  onMetrics() {}, onEval() {}, onSamples() {}, onLog() {}, onStatus() {},
};

export class TrainingHost {
  private readonly runs = new Map<string, Run>();
  private events: TrainingEvents = NO_EVENTS;
  private looping = false;
  private recovering = false;
  private readonly deps: TrainingDeps;

  constructor(deps: TrainingDeps) {
    this.deps = deps;
    deps.onDeviceLost((msg) => void this.recover(msg));
  }

  subscribe(events: TrainingEvents): void {
    this.events = events;
  }

  async start(spec: RunSpec): Promise<void> {
    if (this.runs.has(spec.runId)) throw new Error(`a run with id "${spec.runId}" already exists`);
    if (!Number.isInteger(spec.steps) || spec.steps < 1) throw new RangeError(`spec.steps must be an integer ≥ 1 (got ${spec.steps})`);
    this.events.onStatus(spec.runId, 'starting');
    const init = await this.deps.initialWeights();
    const model = await this.deps.createModel(init.config, init.params, spec);
    const trainer = await GrpoTrainer.create(model, spec.config, this.callbacks(spec.runId));
    this.runs.set(spec.runId, { spec, trainer, status: 'running', lastCheckpoint: null, wasRunning: true });
    this.setStatus(spec.runId, 'running');
    void this.loop();
  }

  async resumeSaved(runId: string): Promise<void> {
    if (this.runs.has(runId)) return this.resume(runId);
    const stored = await this.deps.load(runId);
    if (!stored) throw new Error(`no saved run "${runId}"`);
    const trainer = await this.rebuild(stored.spec, stored.checkpoint);
    this.runs.set(runId, { spec: stored.spec, trainer, status: 'running', lastCheckpoint: stored.checkpoint, wasRunning: true });
    for (const m of trainer.history) this.events.onMetrics(runId, m);
    for (const e of trainer.evalHistory) this.events.onEval(runId, e);
    this.setStatus(runId, trainer.step >= stored.spec.steps ? 'finished' : 'running');
    void this.loop();
  }

  async pause(runId: string): Promise<void> {
    const run = this.get(runId);
    if (run.status !== 'running') return;
    run.status = 'paused';
    run.wasRunning = false;
    await this.checkpoint(run);
    this.setStatus(runId, 'paused');
  }

  async resume(runId: string): Promise<void> {
    const run = this.get(runId);
    if (run.status !== 'paused') return;
    run.status = 'running';
    run.wasRunning = true;
    this.setStatus(runId, 'running');
    void this.loop();
  }

  async stop(runId: string): Promise<void> {
    const run = this.get(runId);
    if (run.status === 'stopped') return;
    run.status = 'stopped';
    run.wasRunning = false;
    await this.checkpoint(run);
    this.setStatus(runId, 'stopped');
  }

  async listSaved(): Promise<SavedRunInfo[]> {
    return (await this.deps.list()).map((r) => ({ spec: r.spec, step: r.step, savedAt: r.savedAt, history: r.history, evalHistory: r.evalHistory }));
  }

  async deleteSaved(runId: string): Promise<void> {
    const run = this.runs.get(runId);
    if (run && run.status === 'running') throw new Error(`run "${runId}" is running: stop it first`);
    if (run) {
      run.trainer.engine.dispose();
      this.runs.delete(runId);
    }
    await this.deps.remove(runId);
  }

  /** A fresh checkpoint of the run's current state (also saved). */
  async currentCheckpoint(runId: string): Promise<{ spec: RunSpec; bytes: Uint8Array; params: Float32Array; config: ModelConfig }> {
    const run = this.runs.get(runId);
    if (run) {
      const bytes = await this.checkpoint(run);
      return { spec: run.spec, bytes, params: await run.trainer.engine.getParams(), config: run.trainer.engine.config };
    }
    const stored = await this.deps.load(runId);
    if (!stored) throw new Error(`no run "${runId}"`);
    const snap = decodeTrainerCheckpoint(stored.checkpoint);
    return { spec: stored.spec, bytes: stored.checkpoint, params: snap.params, config: snap.state.modelConfig };
  }

  /** Round-robin: one step of each running run per turn, until none is running. */
  private async loop(): Promise<void> {
    if (this.looping) return;
    this.looping = true;
    try {
      for (;;) {
        if (this.recovering) return;
        const active = [...this.runs.values()].filter((r) => r.status === 'running');
        if (active.length === 0) return;
        for (const run of active) {
          if (run.status !== 'running' || this.recovering) continue;
          try {
            await this.stepRun(run);
          } catch (e) {
            if (this.recovering) return;
            run.status = 'error';
            run.wasRunning = false;
            this.setStatus(run.spec.runId, 'error', e instanceof Error ? e.message : String(e));
          }
        }
      }
    } finally {
      this.looping = false;
    }
  }

  private async stepRun(run: Run): Promise<void> {
    const m = await run.trainer.trainStep();
    const every = run.spec.config.checkpoint_every;
    if (m.step >= run.spec.steps) {
      run.status = 'finished';
      run.wasRunning = false;
      await this.checkpoint(run);
      this.setStatus(run.spec.runId, 'finished');
    } else if (every > 0 && m.step % every === 0) {
      await this.checkpoint(run);
    }
  }

  private async checkpoint(run: Run): Promise<Uint8Array> {
    const bytes = encodeTrainerCheckpoint(await run.trainer.snapshot());
    run.lastCheckpoint = bytes;
    try {
      await this.deps.save({
        runId: run.spec.runId, spec: run.spec, step: run.trainer.step, savedAt: Date.now(), checkpoint: bytes,
        history: run.trainer.history, evalHistory: run.trainer.evalHistory,
      });
    } catch (e) {
      this.events.onLog(run.spec.runId, `checkpoint kept in memory only: ${(e as Error).message}`);
    }
    return bytes;
  }

  /** Device lost: pause all, re-acquire, rebuild each run from its last checkpoint, resume. */
  private async recover(message: string): Promise<void> {
    if (this.recovering) return;
    this.recovering = true;
    for (const run of this.runs.values()) {
      if (run.status === 'running') this.setStatus(run.spec.runId, 'paused', `GPU device lost (${message}); recovering from the last checkpoint`);
    }
    try {
      await this.deps.reacquireDevice();
      for (const run of this.runs.values()) {
        const from = run.lastCheckpoint;
        run.trainer = from
          ? await this.rebuild(run.spec, from)
          : await this.freshTrainer(run.spec);
        this.events.onLog(run.spec.runId, `rebuilt on a new device at step ${run.trainer.step}`);
        if (run.status === 'running') this.setStatus(run.spec.runId, 'running');
      }
    } catch (e) {
      for (const run of this.runs.values()) {
        run.status = 'error';
        this.setStatus(run.spec.runId, 'error', `could not recover from device loss: ${(e as Error).message}`);
      }
    } finally {
      this.recovering = false;
    }
    void this.loop();
  }

  private async rebuild(spec: RunSpec, bytes: Uint8Array): Promise<GrpoTrainer> {
    const snap = decodeTrainerCheckpoint(bytes);
    const model = await this.deps.createModel(snap.state.modelConfig, snap.params, spec);
    return GrpoTrainer.restore(model, snap, this.callbacks(spec.runId));
  }

  private async freshTrainer(spec: RunSpec): Promise<GrpoTrainer> {
    const init = await this.deps.initialWeights();
    const model = await this.deps.createModel(init.config, init.params, spec);
    return GrpoTrainer.create(model, spec.config, this.callbacks(spec.runId));
  }

  private callbacks(runId: string) {
    return {
      onMetrics: (m: Parameters<TrainingEvents['onMetrics']>[1]) => this.events.onMetrics(runId, m),
      onEval: (e: Parameters<TrainingEvents['onEval']>[1]) => this.events.onEval(runId, e),
      onSamples: (s: Parameters<TrainingEvents['onSamples']>[1]) => this.events.onSamples(runId, s),
      onLog: (l: string) => this.events.onLog(runId, l),
    };
  }

  private get(runId: string): Run {
    const run = this.runs.get(runId);
    if (!run) throw new Error(`no run "${runId}"`);
    return run;
  }

  private setStatus(runId: string, status: RunStatus, message?: string): void {
    const run = this.runs.get(runId);
    if (run && status !== 'paused') run.status = status;
    this.events.onStatus(runId, status, message);
  }
}
