// A tensor on the GPU is a buffer plus an element offset (f32 or i32 elements): kernels take the
// offset as a uniform, so one flat buffer (params, grads, per-layer activations) holds many tensors.
export interface GpuTensor {
  buf: GPUBuffer;
  off: number;
}

export function at(buf: GPUBuffer, off = 0): GpuTensor {
  return { buf, off };
}
