// The training worker's GPU side: one device (re-acquired after a loss), GpuModels sized for a
// run's policy batch, and the bundled SFT checkpoint as the starting weights.
import { acquireGpu, type GpuContext } from '../gpu/device.ts';
import { GpuModel } from '../engine/gpu/model.ts';
import { decodeCheckpoint } from '../engine/checkpoint.ts';
import type { ModelConfig } from '../engine/config.ts';
import type { TrainableModel } from '../engine/types.ts';
import type { RunSpec } from './trainingApi.ts';
import type { TrainingDeps } from './trainingHost.ts';
import { deleteRun, listRuns, loadRun, saveRun } from './trainingStorage.ts';

/** The bundled SFT checkpoint, served by Vite from public/ (scripts/trainToy.ts writes it). */
export const SFT_CHECKPOINT_URL = '/models/toy-reasoner/model.safetensors';

export function gpuTrainingDeps(checkpointUrl = SFT_CHECKPOINT_URL): TrainingDeps {
  let ctx: GpuContext | null = null;
  let initial: { config: ModelConfig; params: Float32Array } | null = null;
  const lostListeners: ((message: string) => void)[] = [];
  const device = async (): Promise<GpuContext> => {
    if (ctx && !ctx.isLost()) return ctx;
    ctx = await acquireGpu();
    ctx.onLost((info) => {
      if (info.reason === 'destroyed') return;
      for (const cb of lostListeners) cb(info.message || String(info.reason));
    });
    return ctx;
  };
  return {
    async initialWeights() {
      if (!initial) {
        const res = await fetch(new URL(checkpointUrl, self.location.href));
        if (!res.ok) throw new Error(`the SFT checkpoint ${checkpointUrl} could not be loaded (HTTP ${res.status}); run npm run train:toy`);
        const ck = decodeCheckpoint(new Uint8Array(await res.arrayBuffer()));
        initial = { config: ck.config, params: ck.params };
      }
      return { config: initial.config, params: initial.params.slice() };
    },
    async createModel(config: ModelConfig, params: Float32Array, spec: RunSpec): Promise<TrainableModel> {
      const rows = spec.config.per_device_train_batch_size * spec.config.num_generations;
      return GpuModel.create(await device(), config, params, { maxBatchTokens: Math.max(16, rows) * config.blockSize });
    },
    onDeviceLost(cb) {
      lostListeners.push(cb);
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
