// Runner for shaders/logits_stats.wgsl: per-row max, log-sum-exp, entropy and log p(target) of a
// logits buffer that stays on the GPU; only rows × 4 floats are ever read back. Rows are
// dispatched in chunks that fit one storage binding (logitsRows.ts).
import type { LogitsHandle } from '../llm/types.ts';
import { createBuffer, readFloat32, STORAGE, uploadBuffer } from './buffers.ts';
import type { GpuContext } from './device.ts';
import { LOGITS_STATS_KERNEL as K } from './kernels/logits.ts';
import { checkLogits, encodeRowChunks, warmLogitsKernel, type GpuLogits } from './logitsRows.ts';
import { checkTargets, logitsStatsCpu } from './logitsStatsCpu.ts';

export interface LogitsStats {
  max: Float32Array;
  logSumExp: Float32Array;
  /** Entropy in nats. */
  entropy: Float32Array;
  /** log p(target); NaN where the target is −1 (none) or the row is all −inf. */
  targetLogProb: Float32Array;
}

/** Floats written per row into `out`: [max, lse, entropy, target_logp]. */
export const STATS_PER_ROW = K.constants.STATS_PER_ROW;

export class LogitsStatsKernel {
  private readonly ctx: GpuContext;
  private readonly noTargets: GPUBuffer;

  constructor(ctx: GpuContext) {
    this.ctx = ctx;
    this.noTargets = createBuffer(ctx.device, 4, GPUBufferUsage.STORAGE, 'logits-stats:no-targets');
  }

  /** Compile both pipelines ahead of the first dispatch. */
  warm(): Promise<void> {
    return warmLogitsKernel(this.ctx, K);
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
    encodeRowChunks(this.ctx, encoder, K, 'logits-stats', logits, (c, window) => ({
      buffers: { logits: window, targets: targets ?? this.noTargets, out },
      uniforms: {
        elem_offset: c.elemOffset, rows: c.rows, vocab: logits.vocab,
        target_row: c.row0, out_row: outOffsetRows + c.row0, has_targets: targets ? 1 : 0,
      },
    }));
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
