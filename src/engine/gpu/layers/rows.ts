// A tensor read or written row by row with its own row stride: one part of a packed buffer (q, k
// or v inside qkv [N, 3C]; gate or up inside [N, 2I]) is rows of width w at stride s ≥ w.
// Runners take GpuTensor (dense rows) or Rows.
import type { GpuTensor } from '../tensor.ts';

export interface Rows extends GpuTensor {
  /** elements from one row's start to the next */
  stride: number;
}

export function strided(t: GpuTensor, stride: number): Rows {
  return { ...t, stride };
}

/** The row stride of `t`, `dense` when it has none. */
export function strideOf(t: GpuTensor | Rows, dense: number): number {
  return 'stride' in t ? t.stride : dense;
}

/** Norm weights, biases and activations are f32 (src/engine/gpu/tensor.ts); refuse a half tensor by name. */
export function requireF32(t: GpuTensor, what: string): void {
  if (t.dtype && t.dtype !== 'f32') throw new TypeError(`${what} must be f32, got ${t.dtype}`);
}
