// Cached inference for every engine configuration (the toy GPT-2 and the Llama family): rows are
// tokens at known positions of sequences whose keys/values live in the KV store (./kvStore.ts);
// each row writes its k/v into the store, then attends to its sequence's cached positions ≤ its
// own. The block is walked from src/engine/block.ts, the same steps as the CPU reference
// (src/engine/cpu/forward.ts) and the training pass.
//
// Row addressing (InferenceRow): position p of a row's sequence is cache row
//   p < prefixLen ? prefixBase + p : ownBase + (p − prefixLen)
// so probes and sampled continuations read a shared prompt/CoT in place and write only their own
// positions. Scratch holds one layer's activations for at most maxRows rows; larger calls run in
// chunks, in row order, so a row's earlier positions are always cached before it attends to them.
//
// After the blocks, the final norm; then one of the heads (InferenceHead): log p(target) per row
// (the LM head in row slices, so a [rows, V] logits tensor of a big vocabulary is never held),
// logits of every row into a caller's buffer (LanguageModel.forward), or logits of selected rows
// into a compact buffer (decoding: the sampler reads them on the GPU).
import type { GpuContext } from '../../gpu/device.ts';
import { createBuffer, STORAGE, uploadBuffer, writeBuffer } from '../../gpu/buffers.ts';
import { ropeTableFor } from '../rope.ts';
import type { Recorder } from './encoding.ts';
import { at, type GpuTensor } from './tensor.ts';
import { blockActWidths, blockSteps, isLlama, type BlockAct, type EngineConfig } from '../block.ts';
import type { EngineWeights } from './weights.ts';
import type { KvStore } from './kvStore.ts';
import { submitAndRead } from './readback.ts';
import { recordBlockStep, recordEmbedding, recordFinalNorm, type StepContext, type StepScratch } from './blockPass.ts';
import { matmulForward } from './layers/matmul.ts';
import { logProbHeadForward } from './layers/logprobHead.ts';
import type { LoraLayoutView } from '../loraView.ts';

export interface InferenceRow {
  token: number;
  pos: number;
  /** cache row of this sequence's position prefixLen (its own positions follow) */
  ownBase: number;
  /** cache row of position 0 of the shared prefix (read for positions < prefixLen) */
  prefixBase: number;
  prefixLen: number;
  /** scored target for the 'logp' head (−1 = none) */
  target?: number;
  /** 'select' head: this row's logits are wanted (in row order) */
  select?: boolean;
}

export type InferenceHead =
  | { kind: 'none' }
  /** log p(target) and the entropy of every row, read back */
  | { kind: 'logp' }
  /** logits of every row written to out at rows [outRow, outRow + rows) (f32 [*, V]) */
  | { kind: 'logits'; out: GPUBuffer; outRow: number }
  /** logits of the rows with `select` written compactly (in row order) to out rows 0, 1, … */
  | { kind: 'select'; out: GPUBuffer };

export interface InferenceResult {
  /** 'logp' head: log p(target) per row (0 where there is none) and the entropy (nats) per row */
  logp: Float32Array;
  entropy: Float32Array;
}

/** Bytes of f32 logits one head slice may hold (bounds the 'logp' head's scratch). */
const HEAD_SLICE_BYTES = 32 << 20;
/** Positions the rotary table covers at most (a model's longer context is refused past it). */
export const MAX_ROPE_POSITIONS = 32768;

export class CachedInference {
  readonly config: EngineConfig;
  readonly maxRows: number;
  readonly kv: KvStore;
  readonly weights: EngineWeights;
  private readonly ctx: GpuContext;
  private readonly rec: Recorder;
  private readonly s: StepScratch;
  private readonly headRows: number;
  private readonly headLogits: GPUBuffer;
  private readonly headOut: Record<'targets' | 'logp' | 'entropy' | 'lse', GPUBuffer>;
  private readonly step: StepContext;
  /** Positions this pass can encode: the model's context, capped by the rotary table. */
  readonly maxPositions: number;

  /** `lora`: adapters added to the linears they target (a LoRA model's sampling and probes run the adapted policy). */
  constructor(ctx: GpuContext, config: EngineConfig, rec: Recorder, weights: EngineWeights, kv: KvStore, maxRows: number,
    lora?: { layout: LoraLayoutView; params: GPUBuffer }) {
    this.ctx = ctx;
    this.config = config;
    this.rec = rec;
    this.weights = weights;
    this.kv = kv;
    this.maxRows = maxRows;
    const widths = blockActWidths(config);
    const f = (k: number, label: string) => createBuffer(ctx.device, Math.max(1, k) * 4, undefined, `engine inference ${label}`);
    const n = maxRows;
    const acts = {} as Record<BlockAct, GPUBuffer>;
    // Few buffers for many activations: the residual stream alternates between two, every other
    // activation has its own (they are dead by the next layer).
    for (const [name, w] of Object.entries(widths) as [BlockAct, number][]) {
      if (name !== 'residual' && name !== 'residual2' && name !== 'residual3' && w > 0) acts[name] = f(n * w, name);
    }
    acts.residual = acts.residual3 = f(n * config.nEmbd, 'resA');
    acts.residual2 = f(n * config.nEmbd, 'resB');
    const heads = config.nHead;
    this.maxPositions = isLlama(config) ? Math.min(config.blockSize, MAX_ROPE_POSITIONS) : config.blockSize;
    this.step = { kv };
    if (lora) this.step.lora = { ...lora, u: f(n * lora.layout.r, 'lora u') };
    if (isLlama(config)) {
      const table = uploadBuffer(ctx.device, ropeTableFor(config, this.maxPositions), STORAGE, 'engine rope table');
      this.step.rope = { table: at(table), positions: this.maxPositions };
    }
    this.s = {
      acts,
      tokens: f(n, 'tokens'), positions: f(n, 'positions'), rows: f(4 * n, 'rows'),
      normStat1: f(n, 'normStat1'), normStat2: f(n, 'normStat2'), headStat: f(n * heads, 'headStat'),
      lnf: f(n * config.nEmbd, 'lnf'),
    };
    this.headRows = Math.max(1, Math.min(n, Math.floor(HEAD_SLICE_BYTES / (config.vocabSize * 4))));
    this.headLogits = f(this.headRows * config.vocabSize, 'head logits');
    this.headOut = { targets: f(n, 'targets'), logp: f(n, 'logp'), entropy: f(n, 'entropy'), lse: f(n, 'lse') };
  }

  /** Run rows (in order, chunked by maxRows) through the model and the head. */
  async run(rows: InferenceRow[], head: InferenceHead = { kind: 'none' }): Promise<InferenceResult> {
    const logp = new Float32Array(rows.length);
    const entropy = new Float32Array(rows.length);
    let selected = 0;
    for (let s = 0; s < rows.length; s += this.maxRows) {
      const chunk = rows.slice(s, s + this.maxRows);
      const h: InferenceHead = head.kind === 'logits' ? { ...head, outRow: head.outRow + s } : head;
      const r = await this.runChunk(chunk, h, selected);
      if (head.kind === 'logp') { logp.set(r.logp, s); entropy.set(r.entropy, s); }
      selected += chunk.filter((row) => row.select).length;
    }
    return { logp, entropy };
  }

  /** Record a chunk; for 'none'/'logits'/'select' heads it is submitted and NOT waited on. */
  private async runChunk(rows: InferenceRow[], head: InferenceHead, selectedBefore: number): Promise<InferenceResult> {
    const { config } = this;
    const N = rows.length;
    const d = this.ctx.device;
    const C = config.nEmbd, V = config.vocabSize;
    const cap = this.kv.capacity;
    rows.forEach((r, i) => {
      const own = r.ownBase + r.pos - r.prefixLen;
      if (r.pos >= this.maxPositions) throw new RangeError(`row ${i}: position ${r.pos} is past the model's ${this.maxPositions} positions`);
      if (r.pos < r.prefixLen || own >= cap || r.prefixBase + r.prefixLen > cap) {
        throw new RangeError(`row ${i} (position ${r.pos}) addresses cache rows outside the store's ${cap}`);
      }
    });
    // Rows whose output is read: 'select' the selected ones (moved to the front, in their order),
    // 'none' no row. The others need only their keys and values in the cache, so the last layer
    // stops for them after its k/v write. (A row's numbers do not depend on the rows beside it:
    // every kernel computes a row on its own, in the same order.)
    if (head.kind === 'select') rows = [...rows.filter((r) => r.select), ...rows.filter((r) => !r.select)];
    const outRows = head.kind === 'none' ? 0 : head.kind === 'select' ? rows.filter((r) => r.select).length : N;
    const info = new Int32Array(4 * N);
    rows.forEach((r, i) => info.set([r.pos, r.ownBase, r.prefixBase, r.prefixLen], 4 * i));
    writeBuffer(d, this.s.tokens, Int32Array.from(rows, (r) => r.token));
    writeBuffer(d, this.s.positions, Int32Array.from(rows, (r) => r.pos));
    writeBuffer(d, this.s.rows, info);

    const rec = this.rec;
    rec.begin();
    recordEmbedding(rec, this.s, this.weights, config, N);
    for (let l = 0; l < config.nLayer; l++) {
      const last = l === config.nLayer - 1;
      let n = N;
      for (const step of blockSteps(config)) {
        if (n === 0) break;
        recordBlockStep(rec, step, l, this.s, this.weights, config, n, this.step, last ? outRows : n);
        if (last && step.op === 'attention') n = outRows;
      }
    }
    if (outRows > 0) recordFinalNorm(rec, this.s, this.weights, config, outRows);
    const lnf = at(this.s.lnf);

    if (head.kind === 'none') { rec.submit(); return { logp: new Float32Array(0), entropy: new Float32Array(0) }; }
    if (head.kind === 'logits') {
      matmulForward(rec, at(head.out, head.outRow * V), lnf, this.weights.head, null, N, C, V);
      rec.submit();
      return { logp: new Float32Array(0), entropy: new Float32Array(0) };
    }
    if (head.kind === 'select') {
      // the selected rows are rows 0 … outRows − 1 of the final norm: the LM head on them alone
      if (outRows > 0) matmulForward(rec, at(head.out, selectedBefore * V), lnf, this.weights.head, null, outRows, C, V);
      rec.submit();
      return { logp: new Float32Array(0), entropy: new Float32Array(0) };
    }
    // 'logp': the LM head and the log-prob head in row slices of headRows
    writeBuffer(d, this.headOut.targets, Int32Array.from(rows, (r) => r.target ?? -1));
    for (let s = 0; s < N; s += this.headRows) {
      const n = Math.min(this.headRows, N - s);
      matmulForward(rec, at(this.headLogits), at(this.s.lnf, s * C), this.weights.head, null, n, C, V);
      logProbHeadForward(rec, this.headOut.logp, this.headOut.entropy, this.headOut.lse, at(this.headLogits), this.headOut.targets, n, V, s);
    }
    const [lp, ent] = await submitAndRead(rec, [
      { buf: this.headOut.logp, offset: 0, bytes: N * 4 },
      { buf: this.headOut.entropy, offset: 0, bytes: N * 4 },
    ]);
    return { logp: new Float32Array(lp), entropy: new Float32Array(ent) };
  }

  get device(): GPUDevice {
    return this.ctx.device;
  }

  /** The recording the pass submits through (callers chain their own dispatches after a run). */
  get recorder(): Recorder {
    return this.rec;
  }

  /** Every buffer this pass owns (scratch, head slice, rotary table, LoRA scratch), each once. */
  private owned(): GPUBuffer[] {
    const all = [...Object.values(this.s.acts), this.s.tokens, this.s.positions, this.s.rows, this.s.normStat1, this.s.normStat2, this.s.headStat, this.s.lnf, this.headLogits, ...Object.values(this.headOut)];
    if (this.step.rope) all.push(this.step.rope.table.buf);
    if (this.step.lora) all.push(this.step.lora.u);
    return [...new Set(all)];
  }

  /** GPU bytes of this pass's own buffers (not the weights, not the KV store). */
  get scratchBytes(): number {
    return this.owned().reduce((n, b) => n + b.size, 0);
  }

  destroy(): void {
    for (const b of this.owned()) b.destroy();
  }
}

export type { GpuTensor };
