// The pre-flight's checks (./preflight.ts): a run's buffers (./preflightBuffers.ts) against the
// adapter's per-buffer limits and the budget. Pure.
import type { LlamaConfig } from '../llamaConfig.ts';
import type { SafetensorsDtype } from '../hf/safetensorsHeader.ts';
import { memoryBuffers, PART_LABEL, type LoraMemorySettings, type MemoryBuffer, type TrainMemorySettings } from './preflightBuffers.ts';

export interface PreflightLimits {
  /** GPUDevice.limits.maxBufferSize */
  maxBufferSize: number;
  /** GPUDevice.limits.maxStorageBufferBindingSize */
  maxStorageBufferBindingSize: number;
  /** bytes the whole run may take on the GPU */
  budgetBytes: number;
}

export interface PreflightInput {
  config: LlamaConfig;
  /** the base weights' file precision */
  weightDtype: SafetensorsDtype;
  lora: LoraMemorySettings;
  train: TrainMemorySettings;
  limits: PreflightLimits;
}

/** Bytes in words: GiB / MiB as the weight checks say them (../hf/llamaWeights.ts formatBytes), KiB and B below. */
export function formatBytes(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(2)} GiB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(1)} MiB`;
  return n >= 2 ** 10 ? `${(n / 2 ** 10).toFixed(1)} KiB` : `${n} B`;
}

export function total(buffers: readonly MemoryBuffer[]): number {
  return buffers.reduce((s, b) => s + b.bytes * b.count, 0);
}

export function overLimit(b: MemoryBuffer, l: PreflightLimits): string | null {
  const limit = b.bytes > l.maxBufferSize ? ['maxBufferSize', l.maxBufferSize] as const
    : b.bytes > l.maxStorageBufferBindingSize ? ['maxStorageBufferBindingSize', l.maxStorageBufferBindingSize] as const : null;
  if (!limit) return null;
  return `${PART_LABEL[b.part]}: the buffer "${b.name}" (${b.formula}) needs ${formatBytes(b.bytes)}, more than this adapter's ${limit[0]} (${formatBytes(limit[1])}).`;
}

export function buffersOf(x: PreflightInput): MemoryBuffer[] {
  return memoryBuffers(x.config, x.weightDtype, x.lora, x.train);
}

export function fitsWith(x: PreflightInput): { ok: boolean; totalBytes: number } {
  const b = buffersOf(x);
  const totalBytes = total(b);
  return { ok: totalBytes <= x.limits.budgetBytes && b.every((e) => overLimit(e, x.limits) === null), totalBytes };
}

