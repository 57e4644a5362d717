// One block step of cached inference on the GPU, for any engine configuration: the switch over
// src/engine/block.ts's step kinds that ./inference.ts walks layer by layer. Activations are one
// layer's rows [N, width] in StepScratch (reused across layers); attention writes the rows' k/v
// into the KV store, then attends over the cache (row addressing: ./inference.ts).
import type { Recorder } from './encoding.ts';
import { at, type GpuTensor } from './tensor.ts';
import { isLlama, type BlockAct, type BlockStep, type EngineConfig, type HeadView } from '../block.ts';
import { LN_EPS } from '../config.ts';
import type { EngineWeights } from './weights.ts';
import type { KvStore } from './kvStore.ts';
import { embeddingForward } from './layers/encoder.ts';
import { layernormForward } from './layers/layernorm.ts';
import { matmulForward } from './layers/matmul.ts';
import { attentionCached, kvWrite } from './layers/attention.ts';
import { rmsnormForward } from './layers/rmsnorm.ts';
import { rotaryForward } from './layers/rotary.ts';
import { swigluForward } from './layers/swiglu.ts';
import { strided, type Rows } from './layers/rows.ts';
import { geluForward } from './layers/gelu.ts';
import { residualForward } from './layers/residual.ts';
import { loraForward } from './layers/lora.ts';
import { loraSlotsFor, type LoraLayoutView } from '../loraView.ts';

export interface StepScratch {
  /** one layer's activations, [maxRows, width] each (residual/residual3 share a buffer) */
  acts: Record<BlockAct, GPUBuffer>;
  tokens: GPUBuffer; // [maxRows] i32
  positions: GPUBuffer; // [maxRows] i32
  rows: GPUBuffer; // [maxRows, 4] i32: pos, ownBase, prefixBase, prefixLen
  /** per-row norm statistics (mean / rstd), scratch */
  normStat1: GPUBuffer;
  normStat2: GPUBuffer;
  /** per-(row, head) rstd of the q/k head norms, scratch */
  headStat: GPUBuffer;
  /** the final norm's output [maxRows, C] */
  lnf: GPUBuffer;
}

export interface StepContext {
  kv: KvStore;
  /** rotary cos/sin table [2, P, HD/2] (src/engine/rope.ts) and its P; Llama family only */
  rope?: { table: GpuTensor; positions: number };
  /** LoRA adapters (src/engine/lora/loraLayout.ts) added to the linears they target; u: scratch [maxRows, r] */
  lora?: { layout: LoraLayoutView; params: GPUBuffer; u: GPUBuffer };
}

/** The residual stream's first value: token embeddings (+ learned positions for the toy). */
export function recordEmbedding(rec: Recorder, s: StepScratch, w: EngineWeights, c: EngineConfig, N: number): void {
  embeddingForward(rec, at(s.acts.residual), s.tokens, w.positions ? s.positions : null, w.embed, w.positions, N, c.nEmbd);
}

export function recordFinalNorm(rec: Recorder, s: StepScratch, w: EngineWeights, c: EngineConfig, N: number): void {
  const x = at(s.acts.residual3);
  if (isLlama(c)) {
    rmsnormForward(rec, at(s.lnf), at(s.normStat1), x, w.finalNormW, N, c.nEmbd, c.rmsNormEps);
    return;
  }
  if (!w.finalNormB || w.finalNormB.buf !== w.finalNormW.buf) throw new Error('LayerNorm weight and bias must share a buffer');
  layernormForward(rec, at(s.lnf), at(s.normStat1), at(s.normStat2), x, w.finalNormW.buf, w.finalNormW.off, w.finalNormB.off, N, c.nEmbd);
}

/** The rows of a head view inside its activation buffer. */
function view(s: StepScratch, v: HeadView): Rows {
  return strided(at(s.acts[v.act], v.off), v.stride);
}

/**
 * One step over rows 0 … N − 1. `attendRows` (attention steps; default N): all N rows write their
 * k/v, only rows 0 … attendRows − 1 attend (the last layer's rows whose output nobody reads need
 * their keys and values only: ./inference.ts).
 */
export function recordBlockStep(
  rec: Recorder, step: BlockStep, l: number, s: StepScratch, w: EngineWeights, c: EngineConfig, N: number, ctx: StepContext,
  attendRows = N,
): void {
  const buf = (a: BlockAct): GpuTensor => at(s.acts[a]);
  const P = (p: Parameters<EngineWeights['layer']>[1]) => w.layer(l, p);
  const eps = isLlama(c) ? c.rmsNormEps : LN_EPS;
  switch (step.op) {
    case 'layernorm': {
      const wt = P(step.w), bt = P(step.b);
      if (wt.buf !== bt.buf) throw new Error('LayerNorm weight and bias must share a buffer');
      layernormForward(rec, buf(step.to), at(s.normStat1), at(s.normStat2), buf(step.from), wt.buf, wt.off, bt.off, N, c.nEmbd);
      break;
    }
    case 'rmsnorm': rmsnormForward(rec, buf(step.to), at(s.normStat1), buf(step.from), P(step.w), N, c.nEmbd, eps); break;
    case 'headnorm': {
      const rows = view(s, step.view);
      rmsnormForward(rec, rows, at(s.headStat), rows, P(step.w), N, step.view.headDim, eps, step.view.heads);
      break;
    }
    case 'rope': {
      if (!ctx.rope) throw new Error('a rotary step needs the model\'s cos/sin table');
      rotaryForward(rec, view(s, step.view), s.positions, ctx.rope.table, N, step.view.heads, step.view.headDim, ctx.rope.positions);
      break;
    }
    case 'linear': {
      matmulForward(rec, buf(step.to), buf(step.from), P(step.w), step.b ? P(step.b) : null, N, step.inW, step.outW);
      const lora = ctx.lora;
      if (!lora) break;
      for (const slot of loraSlotsFor(lora.layout, l, step.w)) {
        loraForward(rec, at(s.acts[step.to], slot.col), at(lora.u), buf(step.from), at(lora.params, slot.a), at(lora.params, slot.b),
          { N, inW: slot.inW, outW: slot.outW, r: lora.layout.r, s: lora.layout.scaling, stride: slot.outStride });
      }
      break;
    }
    case 'attention': {
      const kvl = ctx.kv.layer(l);
      const heads = { NH: step.q.heads, NKV: step.k.heads, HD: step.q.headDim };
      const shape = { R: ctx.kv.capacity };
      kvWrite(rec, kvl, view(s, step.k), view(s, step.v), s.rows, N, heads, shape);
      if (attendRows > 0) attentionCached(rec, buf(step.to), view(s, step.q), kvl, s.rows, attendRows, heads, shape);
      break;
    }
    case 'gelu': geluForward(rec, buf(step.to), buf(step.from), N * step.width); break;
    case 'swiglu': swigluForward(rec, buf(step.to), view(s, step.gate), view(s, step.up), N, step.width); break;
    case 'residual': residualForward(rec, buf(step.to), buf(step.from), buf(step.add), N * c.nEmbd); break;
  }
}
