// A tensor on the GPU is a buffer plus an element offset: kernels take the offset as a uniform, so
// one flat buffer (params, grads, per-layer activations) holds many tensors. Weights loaded from a
// Hugging Face file may stay half precision: `dtype` says how the buffer's words are read
// ('f16'/'bf16': two elements per 32-bit word, element e in the low half when e is even), and
// `off` then counts half-precision elements. Activations are always f32 (or i32).
export type WeightDType = 'f32' | 'f16' | 'bf16';

export interface GpuTensor {
  buf: GPUBuffer;
  off: number;
  /** Element type; absent = f32. */
  dtype?: WeightDType;
}

export function at(buf: GPUBuffer, off = 0, dtype?: WeightDType): GpuTensor {
  return dtype && dtype !== 'f32' ? { buf, off, dtype } : { buf, off };
}

/** The WGSL override value kernels use for a weight dtype (0 f32, 1 f16, 2 bf16). */
export const WEIGHT_DTYPE_CODE: Record<WeightDType, number> = { f32: 0, f16: 1, bf16: 2 };
