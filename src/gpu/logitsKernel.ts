// The logits kernels the J-trajectory scorer is given (src/llm/scorer): logitsStats.ts and
// logitsTopK.ts on a model's GPUDevice, one GpuContext per device; the float64 CPU references for
// a model without one (WASM).
import type { LanguageModel, LogitsStatsFn, LogitsTopKFn } from '../llm/types.ts';
import { wrapDevice, type GpuContext } from './device.ts';
import { logitsStatsFromHandle } from './logitsStats.ts';
import { logitsTopKFromHandle } from './logitsTopK.ts';

const contexts = new WeakMap<GPUDevice, GpuContext>();

function contextFor(model: Pick<LanguageModel, 'device'>): GpuContext | null {
  if (!model.device) return null;
  const ctx = contexts.get(model.device) ?? wrapDevice(model.device);
  contexts.set(model.device, ctx);
  return ctx;
}

export function logitsKernelFor(model: Pick<LanguageModel, 'device'>): LogitsStatsFn {
  const ctx = contextFor(model);
  return (logits, targets) => logitsStatsFromHandle(ctx, logits, targets);
}

/** The top-k kernel for the scorer's token lens (Trajectory.tokenLens), on the same context as the stats. */
export function logitsTopKFor(model: Pick<LanguageModel, 'device'>): LogitsTopKFn {
  const ctx = contextFor(model);
  return (logits, k, chosen) => logitsTopKFromHandle(ctx, logits, k, { chosen });
}
