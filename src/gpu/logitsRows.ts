// The logits matrix both fused logits kernels read (stats, top-k): validation, and dispatch in
// chunks of whole rows. Rows larger in total than one storage binding are split, each chunk bound
// at an offset aligned to minStorageBufferOffsetAlignment (the row's misalignment goes into the
// uniform as an element offset); one workgroup per row (or per WG rows for a thread-per-row kernel).
import { align4 } from './buffers.ts';
import type { GpuContext } from './device.ts';
import { dispatchWithOwnUniform, type BindingValues, type KernelInterface, type UniformValues } from './kernelInterface.ts';

export interface GpuLogits {
  buffer: GPUBuffer;
  byteOffset: number;
  rows: number;
  vocab: number;
  dtype: 'float32' | 'float16';
}

export interface Chunk { windowOffset: number; windowSize: number; elemOffset: number; row0: number; rows: number }

/** Split rows into runs whose bytes fit one binding. */
export function planChunks(
  logits: Pick<GpuLogits, 'byteOffset' | 'rows' | 'vocab' | 'dtype'>,
  limits: { maxStorageBufferBindingSize: number; minStorageBufferOffsetAlignment: number; maxComputeWorkgroupsPerDimension: number },
  bufferSize: number,
): Chunk[] {
  const bpe = logits.dtype === 'float16' ? 2 : 4;
  const rowBytes = logits.vocab * bpe;
  const align = limits.minStorageBufferOffsetAlignment;
  // Worst case a window starts align − bpe bytes before its first row and rounds 3 bytes up at the end.
  const maxRows = Math.min(
    Math.floor((limits.maxStorageBufferBindingSize - align - 4) / rowBytes),
    limits.maxComputeWorkgroupsPerDimension,
  );
  if (maxRows < 1) {
    throw new RangeError(
      `logits.vocab = ${logits.vocab}: one ${logits.dtype} row (${rowBytes} bytes) does not fit one storage binding ` +
        `(maxStorageBufferBindingSize = ${limits.maxStorageBufferBindingSize})`,
    );
  }
  const chunks: Chunk[] = [];
  for (let row0 = 0; row0 < logits.rows; row0 += maxRows) {
    const rows = Math.min(maxRows, logits.rows - row0);
    const startByte = logits.byteOffset + row0 * rowBytes;
    const windowOffset = Math.floor(startByte / align) * align;
    const windowSize = Math.min(align4(startByte + rows * rowBytes - windowOffset), bufferSize - windowOffset);
    chunks.push({ windowOffset, windowSize, elemOffset: (startByte - windowOffset) / bpe, row0, rows });
  }
  return chunks;
}

/** The entry point for a logits dtype (both kernels name theirs alike). */
export function entryFor(dtype: GpuLogits['dtype']): 'main_f32' | 'main_f16' {
  return dtype === 'float16' ? 'main_f16' : 'main_f32';
}

/** Throws a specific error for a bad dtype, shape, offset, size or usage. */
export function checkLogits(logits: GpuLogits): void {
  const { buffer, byteOffset, rows, vocab, dtype } = logits;
  if (dtype !== 'float32' && dtype !== 'float16') throw new TypeError(`logits.dtype must be 'float32' or 'float16', got ${String(dtype)}`);
  if (!Number.isInteger(rows) || rows < 0) throw new RangeError(`logits.rows must be an integer ≥ 0, got ${rows}`);
  if (!Number.isInteger(vocab) || vocab < 1) throw new RangeError(`logits.vocab must be an integer ≥ 1, got ${vocab}`);
  const bpe = dtype === 'float16' ? 2 : 4;
  if (!Number.isInteger(byteOffset) || byteOffset < 0 || byteOffset % bpe !== 0) {
    throw new RangeError(`logits.byteOffset = ${byteOffset} must be a non-negative multiple of ${bpe} for ${dtype}`);
  }
  const end = byteOffset + rows * vocab * bpe;
  if (end > buffer.size) {
    throw new RangeError(`logits: byteOffset + rows × vocab × ${bpe} = ${end} exceeds logits.buffer.size = ${buffer.size}`);
  }
  if ((buffer.usage & GPUBufferUsage.STORAGE) === 0) throw new TypeError('logits.buffer needs GPUBufferUsage.STORAGE');
}

/** A kernel over logits rows: entry points main_f32 / main_f16. */
type LogitsKernel = KernelInterface & { readonly entryPoints: readonly ['main_f32', 'main_f16'] };

/**
 * One dispatch per chunk of rows; `perChunk` gives the chunk's buffers (its logits window included)
 * and uniforms. One workgroup per row, or per `rowsPerWorkgroup` rows (a kernel with a thread per row).
 */
export function encodeRowChunks<K extends LogitsKernel>(
  ctx: GpuContext, encoder: GPUCommandEncoder, k: K, label: string, logits: GpuLogits,
  perChunk: (c: Chunk, window: GPUBufferBinding) => { buffers: BindingValues<K>; uniforms: UniformValues<K> },
  rowsPerWorkgroup = 1,
): void {
  const device = ctx.device;
  const pipeline = ctx.pipelines.kernel(k, entryFor(logits.dtype));
  const pass = encoder.beginComputePass({ label });
  pass.setPipeline(pipeline);
  for (const c of planChunks(logits, device.limits, logits.buffer.size)) {
    const { buffers, uniforms } = perChunk(c, { buffer: logits.buffer, offset: c.windowOffset, size: c.windowSize });
    dispatchWithOwnUniform(device, pass, pipeline, k, buffers, uniforms, Math.ceil(c.rows / rowsPerWorkgroup));
  }
  pass.end();
}

/** Compile both entry points ahead of the first dispatch. */
export async function warmLogitsKernel(ctx: GpuContext, k: LogitsKernel): Promise<void> {
  for (const entry of k.entryPoints) await ctx.pipelines.warmKernel(k, entry);
}
