// Inference rows through the model with a KV cache on the GPU: each row is one token at a known
// position of a sequence slot; its k/v go into the cache and it attends to the cached positions
// ≤ its own (optionally reading positions < prefixLen from another slot: a probe branch sharing
// a context's cache). Used by ./sample.ts (prefill, then one row per active sequence per step)
// and ./probe.ts (contexts once, then all branches batched).
// Scratch holds one layer's activations for at most maxRows rows; larger calls run in chunks, in
// row order, so a row's earlier positions are always cached before it attends to them.
import type { GpuContext } from '../../gpu/device.ts';
import { createBuffer, writeBuffer } from '../../gpu/buffers.ts';
import { paramLayout, type ModelConfig, type ParamLayout, type ParamName } from '../config.ts';
import type { Recorder } from './encoding.ts';
import { paramAt } from './gpt.ts';
import { at, type GpuTensor } from './tensor.ts';
import { encoderForward } from './layers/encoder.ts';
import { layernormForward } from './layers/layernorm.ts';
import { matmulForward } from './layers/matmul.ts';
import { attentionCached, kvWrite, MAX_HEAD_SIZE, type KvCacheShape } from './layers/attention.ts';
import { strided } from './layers/rows.ts';
import { geluForward } from './layers/gelu.ts';
import { residualForward } from './layers/residual.ts';
import { logProbHeadForward } from './layers/logprobHead.ts';
import { submitAndRead } from './readback.ts';
import { BLOCK, blockActWidth, type BlockAct } from '../block.ts';

export interface InferenceRow {
  token: number;
  pos: number;
  slot: number;
  /** positions < prefixLen are read from prefixSlot's cache (0 = none) */
  prefixSlot: number;
  prefixLen: number;
  /** scored target for logp (-1 = none) */
  target: number;
  /** read this row's logits back */
  wantLogits: boolean;
}

export interface InferenceResult {
  /** logits [V] of each row with wantLogits, in row order */
  logits: Float32Array[];
  /** log p(target) per row (0 where target = -1) */
  logp: Float32Array;
}

type Scratch = Record<'tokens' | 'positions' | 'rows' | 'targets' | 'resA' | 'resB' | 'ln' | 'mean' | 'rstd' | 'qkv' | 'atty' | 'proj' | 'fch' | 'fchGelu' | 'logits' | 'logp' | 'entropy' | 'lse', GPUBuffer>;

export class KvInference {
  readonly config: ModelConfig;
  readonly maxRows: number;
  private readonly ctx: GpuContext;
  private readonly rec: Recorder;
  private readonly params: GPUBuffer;
  private readonly layout: ParamLayout;
  private readonly s: Scratch;
  private kv: GPUBuffer | null = null;
  private slots = 0;

  constructor(ctx: GpuContext, config: ModelConfig, rec: Recorder, params: GPUBuffer, maxRows: number) {
    const HS = config.nEmbd / config.nHead;
    if (HS > MAX_HEAD_SIZE) throw new RangeError(`head size ${HS} exceeds the cached-attention kernel's ${MAX_HEAD_SIZE}`);
    this.ctx = ctx;
    this.config = config;
    this.rec = rec;
    this.params = params;
    this.maxRows = maxRows;
    this.layout = paramLayout(config);
    const { nEmbd: C, vocabSize: V } = config;
    const n = maxRows;
    const f = (k: number, label: string) => createBuffer(ctx.device, k * 4, undefined, `engine inference ${label}`);
    this.s = {
      tokens: f(n, 'tokens'), positions: f(n, 'positions'), rows: f(4 * n, 'rows'), targets: f(n, 'targets'),
      resA: f(n * C, 'resA'), resB: f(n * C, 'resB'), ln: f(n * C, 'ln'), mean: f(n, 'mean'), rstd: f(n, 'rstd'),
      qkv: f(n * 3 * C, 'qkv'), atty: f(n * C, 'atty'), proj: f(n * C, 'proj'), fch: f(n * 4 * C, 'fch'),
      fchGelu: f(n * 4 * C, 'fchGelu'), logits: f(n * V, 'logits'), logp: f(n, 'logp'), entropy: f(n, 'entropy'), lse: f(n, 'lse'),
    };
  }

  /** Bytes of one cache slot (all layers, k and v, maxT positions). */
  get slotBytes(): number {
    const { nLayer: L, blockSize: maxT, nEmbd: C } = this.config;
    return L * 2 * maxT * C * 4;
  }

  /** Most slots one cache buffer can hold on this device. */
  get maxSlots(): number {
    const lim = Math.min(this.ctx.device.limits.maxStorageBufferBindingSize, this.ctx.device.limits.maxBufferSize);
    return Math.floor(lim / this.slotBytes);
  }

  /** Make the cache hold at least S slots (its contents are not kept when it grows). */
  ensureSlots(S: number): void {
    if (S > this.maxSlots) throw new RangeError(`KV cache needs ${S} slots, the device fits ${this.maxSlots}`);
    if (this.kv && this.slots >= S) return;
    this.kv?.destroy();
    this.slots = Math.max(S, 1);
    this.kv = createBuffer(this.ctx.device, this.slots * this.slotBytes, undefined, 'engine kv cache');
  }

  /** Run rows (in order, chunked by maxRows) and read back the requested logits and the log-probs. */
  async run(rows: InferenceRow[]): Promise<InferenceResult> {
    const logits: Float32Array[] = [];
    const logp = new Float32Array(rows.length);
    for (let s = 0; s < rows.length; s += this.maxRows) {
      const chunk = rows.slice(s, s + this.maxRows);
      const r = await this.runChunk(chunk);
      logits.push(...r.logits);
      logp.set(r.logp, s);
    }
    return { logits, logp };
  }

  private async runChunk(rows: InferenceRow[]): Promise<InferenceResult> {
    if (!this.kv) throw new Error('KvInference.run before ensureSlots');
    const { nEmbd: C, nHead: NH, vocabSize: V, nLayer: L, blockSize: maxT } = this.config;
    const N = rows.length;
    const d = this.ctx.device;
    const info = new Int32Array(4 * N);
    rows.forEach((r, i) => {
      if (r.slot >= this.slots || r.prefixSlot >= this.slots) throw new RangeError(`row ${i}: slot beyond the cache's ${this.slots}`);
      info.set([r.pos, r.slot, r.prefixSlot, r.prefixLen], 4 * i);
    });
    writeBuffer(d, this.s.tokens, Int32Array.from(rows, (r) => r.token));
    writeBuffer(d, this.s.positions, Int32Array.from(rows, (r) => r.pos));
    writeBuffer(d, this.s.targets, Int32Array.from(rows, (r) => r.target));
    writeBuffer(d, this.s.rows, info);

    const rec = this.rec;
    const s = this.s;
    const P = (name: ParamName, l: number, size: number): GpuTensor => paramAt(this.params, this.layout, name, l, size);
    const shape: KvCacheShape = { S: this.slots, maxT };
    const heads = { NH, NKV: NH, HD: C / NH };
    rec.begin();
    encoderForward(rec, at(s.resA), s.tokens, s.positions, this.params, this.layout.offsets.wte, this.layout.offsets.wpe, N, C);
    // Few buffers for many activations: each is dead by the time its buffer is reused.
    const bufs: Record<BlockAct, GPUBuffer> = {
      residual: s.resA, ln1: s.ln, qkv: s.qkv, atty: s.atty, attproj: s.proj, residual2: s.resB,
      ln2: s.ln, fch: s.fch, fchGelu: s.fchGelu, fcproj: s.proj, residual3: s.resA,
    };
    const buf = (name: BlockAct): GpuTensor => at(bufs[name]);
    for (let l = 0; l < L; l++) {
      for (const step of BLOCK) {
        switch (step.op) {
          case 'layernorm':
            layernormForward(rec, buf(step.to), at(s.mean), at(s.rstd), buf(step.from), this.params, P(step.w, l, C).off, P(step.b, l, C).off, N, C);
            break;
          case 'linear':
            matmulForward(rec, buf(step.to), buf(step.from), P(step.w, l, step.inC * step.outC * C * C), P(step.b, l, step.outC * C), N, step.inC * C, step.outC * C);
            break;
          case 'attention': {
            // this step's k, v into this layer's cache block [2, S, maxT, C], then attention over the
            // cached positions (packed qkv rows [q | k | v], stride 3C)
            const qkv = buf(step.from), kv = at(this.kv, l * 2 * this.slots * maxT * C);
            kvWrite(rec, kv, strided(at(qkv.buf, qkv.off + C), 3 * C), strided(at(qkv.buf, qkv.off + 2 * C), 3 * C), s.rows, N, heads, shape);
            attentionCached(rec, buf(step.to), strided(qkv, 3 * C), kv, s.rows, N, heads, shape);
            break;
          }
          case 'gelu': geluForward(rec, buf(step.to), buf(step.from), N * blockActWidth(step.from) * C); break;
          case 'residual': residualForward(rec, buf(step.to), buf(step.from), buf(step.add), N * C); break;
        }
      }
    }
    layernormForward(rec, at(s.ln), at(s.mean), at(s.rstd), at(s.resA), this.params, this.layout.offsets.lnfw, this.layout.offsets.lnfb, N, C);
    matmulForward(rec, at(s.logits), at(s.ln), P('wte', 0, 0), null, N, C, V);
    logProbHeadForward(rec, s.logp, s.entropy, s.lse, at(s.logits), s.targets, N, V);
    const ranges = [{ buf: s.logp, offset: 0, bytes: N * 4 }];
    rows.forEach((r, i) => { if (r.wantLogits) ranges.push({ buf: s.logits, offset: i * V * 4, bytes: V * 4 }); });
    const [lp, ...rowsBack] = await submitAndRead(rec, ranges);
    return { logits: rowsBack.map((b) => new Float32Array(b)), logp: new Float32Array(lp) };
  }

  destroy(): void {
    for (const b of Object.values(this.s)) b.destroy();
    this.kv?.destroy();
    this.kv = null;
  }
}
