// The training worker's GPU side: one device (re-acquired after a loss), GpuModels sized for a
// run's policy batch (the policy, PPO's critic, a frozen reference when the KL needs one), and the
// bundled SFT checkpoint as the starting weights.
import { acquireGpu, type GpuContext } from '../gpu/device.ts';
import { GpuModel } from '../engine/gpu/model.ts';
import { GpuCritic } from '../engine/gpu/critic.ts';
import { decodeCheckpoint } from '../engine/checkpoint.ts';
import type { ModelConfig } from '../engine/config.ts';
import type { TrainableModel } from '../engine/types.ts';
import type { RunSpec } from './trainingApi.ts';
import type { TrainingDeps } from './trainingHost.ts';
import { REGIME_MODEL_DIR, type TaskRegime } from '../task/regime.ts';
import { deleteRun, listRuns, loadRun, saveRun } from './trainingStorage.ts';
import { siteUrl } from '../site/siteUrl.ts';
import { buildEngineRun, EngineBases, type EngineRunOptions } from './engineRun.ts';

/** The bundled SFT checkpoint, served by Vite from public/ (scripts/trainToy.ts writes it). */
export const SFT_CHECKPOINT_URL = 'models/toy-reasoner/model.safetensors';

export interface GpuTrainingOptions extends EngineRunOptions {
  /** where the starting weights are fetched from; default: the regime's bundled checkpoint */
  checkpointUrl?: string;
  /** starting weights from elsewhere (tests); replaces the fetch */
  initialWeights?: () => Promise<{ config: ModelConfig; params: Float32Array }>;
  /** how a device is acquired; default acquireGpu() (tests wrap it to reach the device) */
  acquire?: () => Promise<GpuContext>;
  /** wraps every model built (tests inject faults through the engine API) */
  wrapModel?: (model: TrainableModel) => TrainableModel;
}

export function gpuTrainingDeps(opts: GpuTrainingOptions = {}): TrainingDeps {
  const urlOf = (regime: TaskRegime) => opts.checkpointUrl ?? siteUrl(regime === 'mixed' ? SFT_CHECKPOINT_URL : `${REGIME_MODEL_DIR[regime]}/model.safetensors`);
  const acquire = opts.acquire ?? (() => acquireGpu());
  let ctx: GpuContext | null = null;
  /** LoRA runs' bases on the current device (loaded once per source, dropped with the device) */
  let bases: { ctx: GpuContext; bases: EngineBases } | null = null;
  const initial = new Map<TaskRegime, Promise<{ config: ModelConfig; params: Float32Array }>>();
  const lostListeners: ((message: string) => void)[] = [];
  const device = async (): Promise<GpuContext> => {
    if (ctx && !ctx.isLost()) return ctx;
    const fresh = await acquire();
    ctx = fresh;
    // Every loss counts, 'destroyed' included: nothing here destroys the device on purpose, so a
    // destroy() comes from elsewhere (the browser, a test simulating a loss).
    fresh.onLost((info) => {
      if (ctx !== fresh) return; // an old device we already replaced
      for (const cb of lostListeners) cb(info.message || String(info.reason));
    });
    return fresh;
  };
  const loadInitial = async (regime: TaskRegime): Promise<{ config: ModelConfig; params: Float32Array }> => {
    if (opts.initialWeights) return opts.initialWeights();
    const checkpointUrl = urlOf(regime);
    const res = await fetch(new URL(checkpointUrl, self.location.href));
    if (!res.ok) throw new Error(`the SFT checkpoint ${checkpointUrl} could not be loaded (HTTP ${res.status}); run npm run train:toy`);
    const ck = decodeCheckpoint(new Uint8Array(await res.arrayBuffer()));
    return { config: ck.config, params: ck.params };
  };
  return {
    async initialWeights(regime = 'mixed') {
      if (!initial.has(regime)) initial.set(regime, loadInitial(regime).catch((e: unknown) => { initial.delete(regime); throw e; }));
      const w = await initial.get(regime)!;
      return { config: w.config, params: w.params.slice() };
    },
    async createModel(config: ModelConfig, params: Float32Array, spec: RunSpec): Promise<TrainableModel> {
      const rows = spec.config.per_device_train_batch_size * spec.config.num_generations;
      const model = await GpuModel.create(await device(), config, params, { maxBatchTokens: Math.max(16, rows) * config.blockSize });
      return opts.wrapModel ? opts.wrapModel(model) : model;
    },
    async createReference(config, params, spec) {
      // A second copy of the starting weights, never stepped: log π_ref without swapping weights
      // through the CPU each step (the toy model is small; a LoRA model's reference is its base).
      const rows = spec.config.per_device_train_batch_size * spec.config.num_generations;
      return GpuModel.create(await device(), config, params, { maxBatchTokens: Math.max(16, rows) * config.blockSize });
    },
    async createCritic(config, params, spec) {
      const rows = spec.config.per_device_train_batch_size * spec.config.num_generations;
      return GpuCritic.create(await device(), config, params, Math.max(16, rows) * config.blockSize);
    },
    async buildEngineRun(spec, envOf) {
      const c = await device();
      // a new device: the old one's bases are gone with it; this one loads them again
      if (bases?.ctx !== c) {
        void bases?.bases.disposeAll();
        bases = { ctx: c, bases: new EngineBases(c, opts) };
      }
      const run = await buildEngineRun(c, bases.bases, spec, envOf);
      return opts.wrapModel ? { ...run, model: opts.wrapModel(run.model) } : run;
    },
    onDeviceLost(cb) {
      lostListeners.push(cb);
    },
    async isDeviceLost() {
      if (!ctx) return false;
      if (ctx.isLost()) return true;
      // A failed read can surface before device.lost settles: give the loss a moment to arrive.
      const lost = ctx.lost.then(() => true);
      return Promise.race([lost, new Promise<boolean>((r) => setTimeout(() => r(false), 250))]);
    },
    async reacquireDevice() {
      ctx = null;
      await device();
    },
    save: saveRun,
    load: loadRun,
    list: listRuns,
    remove: deleteRun,
  };
}
