// Runner for shaders/logits_topk.wgsl: per row the k best token ids, their log-probs, the chosen
// token's rank and log p, the row's entropy and a status, of a logits buffer that stays on the GPU;
// only rows × (5 + 2k) words are read back. Rows are dispatched in chunks as for the stats (logitsRows.ts).
// Two variants with one record format, chosen per adapter (src/gpu/adapterProfile.ts): 'hardware'
// merges a workgroup per row in workgroup memory; 'software' (SwiftShader, where barriers are slow)
// streams each row in one invocation (shaders/logits_topk_rows.wgsl).
import type { LogitsHandle } from '../llm/types.ts';
import { createBuffer, readBuffer, STORAGE, uploadBuffer } from './buffers.ts';
import type { GpuContext } from './device.ts';
import { kernelProfile } from './adapterProfile.ts';
import { LOGITS_TOPK_KERNEL as K, LOGITS_TOPK_ROWS_KERNEL as K_ROWS, topKRecordWords } from './kernels/logits.ts';
import { checkLogits, encodeRowChunks, warmLogitsKernel, type Chunk, type GpuLogits } from './logitsRows.ts';
import { checkTargets } from './logitsStatsCpu.ts';
import { checkTopK, emptyTopK, logitsTopKCpu, type LogitsTopK } from './logitsTopKCpu.ts';

const HEADER_WORDS = K.constants.HEADER_WORDS;

export interface TopKOptions {
  /** Chosen token per row (−1 = none): its rank and log p are reported. */
  chosen?: Int32Array | null;
}

export class LogitsTopKKernel {
  private readonly ctx: GpuContext;
  private readonly noChosen: GPUBuffer;

  constructor(ctx: GpuContext) {
    this.ctx = ctx;
    this.noChosen = createBuffer(ctx.device, 4, GPUBufferUsage.STORAGE, 'logits-topk:no-chosen');
  }

  /** Compile both pipelines of this adapter's variant ahead of the first dispatch. */
  warm(): Promise<void> {
    return warmLogitsKernel(this.ctx, kernelProfile(this.ctx) === 'software' ? K_ROWS : K);
  }

  /**
   * Record the dispatches. `chosen`: Int32 [rows] in a GPU buffer or null; `out`: records of
   * 5 + 2k words written from record outOffsetRows on. A chosen id outside [0, vocab) in a GPU
   * buffer cannot be validated here and is treated as −1 (none).
   */
  encode(encoder: GPUCommandEncoder, logits: GpuLogits, k: number, chosen: GPUBuffer | null, out: GPUBuffer, outOffsetRows = 0): void {
    checkLogits(logits);
    checkTopK(k, logits.vocab);
    if (!Number.isInteger(outOffsetRows) || outOffsetRows < 0) throw new RangeError(`outOffsetRows must be an integer ≥ 0, got ${outOffsetRows}`);
    const need = (outOffsetRows + logits.rows) * topKRecordWords(k) * 4;
    if (out.size < need) throw new RangeError(`out.size = ${out.size} bytes, but (outOffsetRows + rows) × (5 + 2k) × 4 = ${need} are needed`);
    if (chosen && chosen.size < logits.rows * 4) throw new RangeError(`chosen.size = ${chosen.size} bytes, but rows × 4 = ${logits.rows * 4} are needed`);
    if (logits.rows === 0) return;
    const perChunk = (c: Chunk, window: GPUBufferBinding) => ({
      buffers: { logits: window, chosen: chosen ?? this.noChosen, out },
      uniforms: {
        elem_offset: c.elemOffset, rows: c.rows, vocab: logits.vocab, k,
        chosen_row: c.row0, out_row: outOffsetRows + c.row0, has_chosen: chosen ? 1 : 0,
      },
    });
    if (kernelProfile(this.ctx) === 'software') {
      encodeRowChunks(this.ctx, encoder, K_ROWS, 'logits-topk-rows', logits, perChunk, K_ROWS.overrides.WG);
    } else {
      encodeRowChunks(this.ctx, encoder, K, 'logits-topk', logits, perChunk);
    }
  }

  /** Dispatch, then read back only rows × (5 + 2k) words. */
  async run(logits: GpuLogits, k: number, opts: TopKOptions = {}): Promise<LogitsTopK> {
    checkLogits(logits);
    checkTopK(k, logits.vocab);
    const chosen = opts.chosen ?? null;
    if (chosen) checkTargets(chosen, logits.rows, logits.vocab);
    const device = this.ctx.device;
    const rows = logits.rows;
    const words = rows * topKRecordWords(k);
    const out = createBuffer(device, Math.max(1, words) * 4, STORAGE, 'logits-topk:out');
    const cbuf = chosen && rows > 0 ? uploadBuffer(device, chosen, STORAGE, 'logits-topk:chosen') : null;
    try {
      const encoder = device.createCommandEncoder();
      this.encode(encoder, logits, k, cbuf, out);
      device.queue.submit([encoder.finish()]);
      return decodeTopK(await readBuffer(device, out, words * 4), rows, k);
    } finally {
      out.destroy();
      cbuf?.destroy();
    }
  }
}

/** Split the kernel's [rows, 5 + 2k] records into named arrays. */
export function decodeTopK(bytes: ArrayBuffer, rows: number, k: number): LogitsTopK {
  const u = new Uint32Array(bytes);
  const i = new Int32Array(bytes);
  const f = new Float32Array(bytes);
  const rec = topKRecordWords(k);
  const t = emptyTopK(rows, k, Float32Array);
  for (let r = 0; r < rows; r++) {
    const o = r * rec;
    t.status[r] = u[o];
    t.rank[r] = i[o + 1];
    t.chosenLogProb[r] = f[o + 2];
    t.logSumExp[r] = f[o + 3];
    t.entropy[r] = f[o + 4];
    t.ids.set(i.subarray(o + HEADER_WORDS, o + HEADER_WORDS + k), r * k);
    t.logProbs.set(f.subarray(o + HEADER_WORDS + k, o + rec), r * k);
  }
  return t;
}

const kernels = new WeakMap<GpuContext, LogitsTopKKernel>();

/**
 * Top-k for a model's logits wherever they live: the kernel for GPU logits, the float64 reference
 * (rounded to float32) for the WASM fallback's CPU logits. `ctx` may be null for CPU.
 */
export async function logitsTopKFromHandle(
  ctx: GpuContext | null,
  handle: LogitsHandle,
  k: number,
  opts: TopKOptions = {},
): Promise<LogitsTopK> {
  if (handle.kind === 'cpu') {
    const r = logitsTopKCpu(handle.data, handle.rows, handle.vocab, k, opts.chosen);
    return {
      ...r,
      logProbs: Float32Array.from(r.logProbs),
      chosenLogProb: Float32Array.from(r.chosenLogProb),
      logSumExp: Float32Array.from(r.logSumExp),
      entropy: Float32Array.from(r.entropy),
    };
  }
  if (!ctx) throw new TypeError('logitsTopKFromHandle: ctx is required for GPU logits (handle.kind = "gpu")');
  let kernel = kernels.get(ctx);
  if (!kernel) {
    kernel = new LogitsTopKKernel(ctx);
    kernels.set(ctx, kernel);
  }
  const { buffer, byteOffset, rows, vocab, dtype } = handle;
  return kernel.run({ buffer, byteOffset, rows, vocab, dtype }, k, opts);
}
