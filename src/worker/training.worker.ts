// The training worker entry: GRPO runs on the WebGPU engine, exposed over comlink (TrainingApi).
import { expose } from 'comlink';
import { exportOnnx } from '../engine/onnx/export.ts';
import { encodeCheckpoint } from '../engine/checkpoint.ts';
import { REGIME_MODEL_DIR } from '../task/regime.ts';
import type { TrainingApi } from './trainingApi.ts';
import { TrainingHost } from './trainingHost.ts';
import { gpuTrainingDeps } from './trainingGpu.ts';
import { mergedFolderOf, peftFilesOf } from './runExport.ts';
import { cachedSizing, preflightRun, type AdapterLimits } from './runPreflight.ts';
import { acquireGpu, requestGpuAdapter, type GpuContext } from '../gpu/device.ts';
import { StepTimer } from './stepTimeRun.ts';

const host = new TrainingHost(gpuTrainingDeps());
const sizing = cachedSizing();
let limits: Promise<AdapterLimits> | null = null;
/** The adapter's buffer limits (what acquireGpu asks the device for): the pre-flight needs no device. */
function adapterLimits(): Promise<AdapterLimits> {
  limits ??= requestGpuAdapter().then((a) => ({ maxBufferSize: a.limits.maxBufferSize, maxStorageBufferBindingSize: a.limits.maxStorageBufferBindingSize }));
  limits.catch(() => { limits = null; });
  return limits;
}

let timingCtx: Promise<GpuContext> | null = null;
/** A device of its own for timing kernels (the runs' device may be busy training). */
function timingDevice(): Promise<GpuContext> {
  if (timingCtx) void timingCtx.then((c) => { if (c.isLost()) timingCtx = null; }).catch(() => {});
  timingCtx ??= acquireGpu();
  timingCtx.catch(() => { timingCtx = null; });
  return timingCtx;
}
const stepTimer = new StepTimer(timingDevice, adapterLimits, sizing);

const api: TrainingApi = {
  async subscribe(events) { host.subscribe(events); },
  async preflight(spec) {
    let l: AdapterLimits;
    try {
      l = await adapterLimits();
    } catch (e) {
      return { ok: false, kind: 'settings', error: `no WebGPU adapter: ${(e as Error).message}` };
    }
    return preflightRun(spec, l, sizing);
  },
  estimateStep: (spec) => stepTimer.estimate(spec),
  start: (spec) => host.start(spec),
  pause: (id) => host.pause(id),
  resume: (id) => host.resume(id),
  stop: (id) => host.stop(id),
  listSaved: () => host.listSaved(),
  resumeSaved: (id, repicked) => host.resumeSaved(id, repicked),
  deleteSaved: (id) => host.deleteSaved(id),
  saveAll: () => host.saveAll(),
  async exportCheckpoint(id) {
    const { spec, bytes } = await host.currentCheckpoint(id);
    return { safetensors: bytes, configJson: JSON.stringify(spec, null, 2) };
  },
  async exportStartingCheckpoint(id) {
    const { spec, config, params } = await host.startingWeights(id);
    const regime = spec.regime ?? 'mixed';
    return { safetensors: encodeCheckpoint({ config, params }), source: `${REGIME_MODEL_DIR[regime]}/model.safetensors (${regime} SFT checkpoint)` };
  },
  async exportOnnx(id) {
    const { config, params } = await host.currentCheckpoint(id);
    if ('arch' in config) throw new Error(`run "${id}" trains LoRA adapters on an engine model: export the adapter (PEFT) or the merged model instead of ONNX`);
    return exportOnnx(config, params);
  },
  async exportPeft(id) {
    const { spec, config, params } = await host.currentCheckpoint(id);
    return peftFilesOf(spec, config, params);
  },
  async exportMerged(id) {
    const { spec, config, params } = await host.currentCheckpoint(id);
    return mergedFolderOf(spec, config, params);
  },
};

expose(api);
