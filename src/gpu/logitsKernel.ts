// The logits kernel the J-trajectory scorer is given (src/llm/scorer): logitsStats.ts on a
// model's GPUDevice, one GpuContext per device; the float64 CPU reference for a model without
// one (WASM).
import type { LanguageModel, LogitsStatsFn } from '../llm/types.ts';
import { wrapDevice, type GpuContext } from './device.ts';
import { logitsStatsFromHandle } from './logitsStats.ts';

const contexts = new WeakMap<GPUDevice, GpuContext>();

export function logitsKernelFor(model: Pick<LanguageModel, 'device'>): LogitsStatsFn {
  let ctx: GpuContext | null = null;
  if (model.device) {
    ctx = contexts.get(model.device) ?? wrapDevice(model.device);
    contexts.set(model.device, ctx);
  }
  return (logits, targets) => logitsStatsFromHandle(ctx, logits, targets);
}
