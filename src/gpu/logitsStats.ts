// Runner for shaders/logits_stats.wgsl: per-row max, log-sum-exp, entropy and log p(target) of a
// logits buffer that stays on the GPU; only rows × 4 floats are ever read back.
// Rows larger in total than one storage binding are split into chunks of whole rows, each bound
// at an offset aligned to minStorageBufferOffsetAlignment (the row's misalignment goes into the
// uniform as an element offset).
import type { LogitsHandle } from '../llm/types.ts';
import { align4, createBuffer, readFloat32, STORAGE, uploadBuffer } from './buffers.ts';
import type { GpuContext } from './device.ts';
import { dispatchWithOwnUniform } from './kernelInterface.ts';
import { LOGITS_STATS_KERNEL as K } from './kernels/logits.ts';
import { checkTargets, logitsStatsCpu } from './logitsStatsCpu.ts';

export interface LogitsStats {
  max: Float32Array;
  logSumExp: Float32Array;
  /** Entropy in nats. */
  entropy: Float32Array;
  /** log p(target); NaN where the target is −1 (none) or the row is all −inf. */
  targetLogProb: Float32Array;
}

export interface GpuLogits {
  buffer: GPUBuffer;
  byteOffset: number;
  rows: number;
  vocab: number;
  dtype: 'float32' | 'float16';
}

/** Floats written per row into `out`: [max, lse, entropy, target_logp]. */
export const STATS_PER_ROW = K.constants.STATS_PER_ROW;

interface Chunk { windowOffset: number; windowSize: number; elemOffset: number; row0: number; rows: number }

/** Split rows into runs whose bytes fit one binding; exported for the Node unit test. */
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

/** Throws a specific error for a bad dtype, shape, offset, size or usage; shared with the top-k runner. */
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

export class LogitsStatsKernel {
  private readonly ctx: GpuContext;
  private readonly noTargets: GPUBuffer;

  constructor(ctx: GpuContext) {
    this.ctx = ctx;
    this.noTargets = createBuffer(ctx.device, 4, GPUBufferUsage.STORAGE, 'logits-stats:no-targets');
  }

  private pipeline(dtype: GpuLogits['dtype']): GPUComputePipeline {
    return this.ctx.pipelines.kernel(K, entryFor(dtype));
  }

  /** Compile both pipelines ahead of the first dispatch. */
  async warm(): Promise<void> {
    for (const entry of K.entryPoints) await this.ctx.pipelines.warmKernel(K, entry);
  }

  /**
   * Record the dispatches. `targets`: Int32 [rows] (−1 = none) or null; `out`: f32 rows written
   * at [(outOffsetRows + r) × 4 ..]. Targets in a GPU buffer cannot be validated here: an id
   * outside [0, vocab) gives NaN, as −1 does.
   */
  encode(encoder: GPUCommandEncoder, logits: GpuLogits, targets: GPUBuffer | null, out: GPUBuffer, outOffsetRows = 0): void {
    checkLogits(logits);
    if (!Number.isInteger(outOffsetRows) || outOffsetRows < 0) throw new RangeError(`outOffsetRows must be an integer ≥ 0, got ${outOffsetRows}`);
    const need = (outOffsetRows + logits.rows) * STATS_PER_ROW * 4;
    if (out.size < need) throw new RangeError(`out.size = ${out.size} bytes, but (outOffsetRows + rows) × ${STATS_PER_ROW * 4} = ${need} are needed`);
    if (targets && targets.size < logits.rows * 4) throw new RangeError(`targets.size = ${targets.size} bytes, but rows × 4 = ${logits.rows * 4} are needed`);
    if (logits.rows === 0) return;
    const device = this.ctx.device;
    const pipeline = this.pipeline(logits.dtype);
    const pass = encoder.beginComputePass({ label: 'logits-stats' });
    pass.setPipeline(pipeline);
    for (const c of planChunks(logits, device.limits, logits.buffer.size)) {
      dispatchWithOwnUniform(device, pass, pipeline, K, {
        logits: { buffer: logits.buffer, offset: c.windowOffset, size: c.windowSize },
        targets: targets ?? this.noTargets,
        out,
      }, {
        elem_offset: c.elemOffset, rows: c.rows, vocab: logits.vocab,
        target_row: c.row0, out_row: outOffsetRows + c.row0, has_targets: targets ? 1 : 0,
      }, c.rows);
    }
    pass.end();
  }

  /** Dispatch, then read back only rows × 4 floats. */
  async run(logits: GpuLogits, targets?: Int32Array | null): Promise<LogitsStats> {
    checkLogits(logits);
    if (targets) checkTargets(targets, logits.rows, logits.vocab);
    const device = this.ctx.device;
    const rows = logits.rows;
    const out = createBuffer(device, Math.max(1, rows) * STATS_PER_ROW * 4, STORAGE, 'logits-stats:out');
    const tbuf = targets && rows > 0 ? uploadBuffer(device, targets, STORAGE, 'logits-stats:targets') : null;
    try {
      const encoder = device.createCommandEncoder();
      this.encode(encoder, logits, tbuf, out);
      device.queue.submit([encoder.finish()]);
      return splitStats(await readFloat32(device, out, rows * STATS_PER_ROW), rows);
    } finally {
      out.destroy();
      tbuf?.destroy();
    }
  }
}

/** De-interleave [rows, STATS_PER_ROW] results into the four named arrays. */
export function splitStats(flat: Float32Array, rows: number): LogitsStats {
  const s: LogitsStats = {
    max: new Float32Array(rows),
    logSumExp: new Float32Array(rows),
    entropy: new Float32Array(rows),
    targetLogProb: new Float32Array(rows),
  };
  for (let r = 0; r < rows; r++) {
    const o = r * STATS_PER_ROW;
    s.max[r] = flat[o];
    s.logSumExp[r] = flat[o + 1];
    s.entropy[r] = flat[o + 2];
    s.targetLogProb[r] = flat[o + 3];
  }
  return s;
}

const kernels = new WeakMap<GpuContext, LogitsStatsKernel>();

/**
 * Stats for a model's logits wherever they live: the fused kernel for GPU logits, the float64
 * reference (rounded to float32) for the WASM fallback's CPU logits. `ctx` may be null for CPU.
 */
export async function logitsStatsFromHandle(
  ctx: GpuContext | null,
  handle: LogitsHandle,
  targets?: Int32Array | null,
): Promise<LogitsStats> {
  if (handle.kind === 'cpu') {
    const r = logitsStatsCpu(handle.data, handle.rows, handle.vocab, targets);
    return {
      max: Float32Array.from(r.max),
      logSumExp: Float32Array.from(r.logSumExp),
      entropy: Float32Array.from(r.entropy),
      targetLogProb: Float32Array.from(r.targetLogProb),
    };
  }
  if (!ctx) throw new TypeError('logitsStatsFromHandle: ctx is required for GPU logits (handle.kind = "gpu")');
  let k = kernels.get(ctx);
  if (!k) {
    k = new LogitsStatsKernel(ctx);
    kernels.set(ctx, k);
  }
  const { buffer, byteOffset, rows, vocab, dtype } = handle;
  return k.run({ buffer, byteOffset, rows, vocab, dtype }, targets);
}
