// Buffer creation, upload and readback helpers. Readback is the expensive direction: callers read
// only small results (stats, sampled ids), never whole logits.

export const STORAGE = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;

/** Round up to WebGPU's 4-byte copy alignment (and a minimum of 4 bytes). */
export function align4(bytes: number): number {
  return Math.max(4, Math.ceil(bytes / 4) * 4);
}

export function createBuffer(device: GPUDevice, bytes: number, usage: number = STORAGE, label?: string): GPUBuffer {
  return device.createBuffer({ size: align4(bytes), usage, label });
}

export function uploadBuffer(
  device: GPUDevice,
  data: ArrayBufferView,
  usage: number = STORAGE,
  label?: string,
): GPUBuffer {
  const buf = device.createBuffer({ size: align4(data.byteLength), usage: usage | GPUBufferUsage.COPY_DST, label });
  writeBuffer(device, buf, data);
  return buf;
}

export function writeBuffer(device: GPUDevice, buf: GPUBuffer, data: ArrayBufferView, byteOffset = 0): void {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (bytes.byteLength % 4 === 0) {
    device.queue.writeBuffer(buf, byteOffset, bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength);
  } else {
    const padded = new Uint8Array(align4(bytes.byteLength));
    padded.set(bytes);
    device.queue.writeBuffer(buf, byteOffset, padded);
  }
}

/** Copy `bytes` from `src` at `srcOffset` into a fresh mappable buffer and return its bytes. */
export async function readBuffer(device: GPUDevice, src: GPUBuffer, bytes: number, srcOffset = 0): Promise<ArrayBuffer> {
  const size = align4(bytes);
  const staging = device.createBuffer({ size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const enc = device.createCommandEncoder();
  enc.copyBufferToBuffer(src, srcOffset, staging, 0, size);
  device.queue.submit([enc.finish()]);
  try {
    await staging.mapAsync(GPUMapMode.READ);
    return staging.getMappedRange().slice(0, bytes);
  } finally {
    staging.destroy();
  }
}

export async function readFloat32(device: GPUDevice, src: GPUBuffer, count: number, srcOffset = 0): Promise<Float32Array> {
  return new Float32Array(await readBuffer(device, src, count * 4, srcOffset));
}

export async function readInt32(device: GPUDevice, src: GPUBuffer, count: number, srcOffset = 0): Promise<Int32Array> {
  return new Int32Array(await readBuffer(device, src, count * 4, srcOffset));
}

/** Run `fn` inside a validation + out-of-memory error scope and throw the first error with context. */
export async function withErrorScope<T>(device: GPUDevice, what: string, fn: () => T): Promise<T> {
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  const result = fn();
  const validation = await device.popErrorScope();
  const oom = await device.popErrorScope();
  if (oom) throw new Error(`${what}: GPU out of memory (${oom.message})`);
  if (validation) throw new Error(`${what}: WebGPU validation error: ${validation.message}`);
  return result;
}
