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
import { encoderForward } from './layers/encoder.ts';
import { layernormForward } from './layers/layernorm.ts';
import { matmulForward } from './layers/matmul.ts';
import { attentionCached, kvWrite } from './layers/attention.ts';
import { geluForward } from './layers/gelu.ts';
import { residualForward } from './layers/residual.ts';

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
}

function pending(what: string): Error {
  return new Error(`the ${what} kernel is not wired into the engine yet`);
}

/** The residual stream's first value: token embeddings (+ learned positions for the toy). */
export function recordEmbedding(rec: Recorder, s: StepScratch, w: EngineWeights, c: EngineConfig, N: number): void {
  if (w.positions && w.embed.buf === w.positions.buf && !w.embed.dtype) {
    encoderForward(rec, at(s.acts.residual), s.tokens, s.positions, w.embed.buf, w.embed.off, w.positions.off, N, c.nEmbd);
    return;
  }
  throw pending('embedding (no position table / half-precision)');
}

export function recordFinalNorm(rec: Recorder, s: StepScratch, w: EngineWeights, c: EngineConfig, N: number): void {
  const x = at(s.acts.residual3);
  if (isLlama(c)) throw pending('RMSNorm');
  if (!w.finalNormB || w.finalNormB.buf !== w.finalNormW.buf) throw new Error('LayerNorm weight and bias must share a buffer');
  layernormForward(rec, at(s.lnf), at(s.normStat1), at(s.normStat2), x, w.finalNormW.buf, w.finalNormW.off, w.finalNormB.off, N, c.nEmbd);
}

/** Is this view the toy's packed layout (q | k | v of equal width, row stride 3C)? */
function packedQkv(q: HeadView, k: HeadView, v: HeadView): boolean {
  const W = q.heads * q.headDim;
  return q.off === 0 && k.off === W && v.off === 2 * W && q.stride === 3 * W && k.heads === q.heads;
}

export function recordBlockStep(
  rec: Recorder, step: BlockStep, l: number, s: StepScratch, w: EngineWeights, c: EngineConfig, N: number, ctx: StepContext,
): void {
  const buf = (a: BlockAct): GpuTensor => at(s.acts[a]);
  const P = (p: Parameters<EngineWeights['layer']>[1]) => w.layer(l, p);
  switch (step.op) {
    case 'layernorm': {
      const wt = P(step.w), bt = P(step.b);
      if (wt.buf !== bt.buf) throw new Error('LayerNorm weight and bias must share a buffer');
      layernormForward(rec, buf(step.to), at(s.normStat1), at(s.normStat2), buf(step.from), wt.buf, wt.off, bt.off, N, c.nEmbd);
      break;
    }
    case 'linear':
      matmulForward(rec, buf(step.to), buf(step.from), P(step.w), step.b ? P(step.b) : null, N, step.inW, step.outW);
      break;
    case 'attention': {
      const kvl = ctx.kv.layer(l);
      if (!packedQkv(step.q, step.k, step.v)) throw pending('grouped-query attention');
      kvWrite(rec, kvl, ctx.kv.capacity, buf(step.q.act), s.rows, N, c.nEmbd);
      attentionCached(rec, buf(step.to), buf(step.q.act), kvl, ctx.kv.capacity, s.rows, N, c.nEmbd, c.nHead);
      break;
    }
    case 'gelu': geluForward(rec, buf(step.to), buf(step.from), N * step.width); break;
    case 'residual': residualForward(rec, buf(step.to), buf(step.from), buf(step.add), N * c.nEmbd); break;
    case 'rmsnorm': throw pending('RMSNorm');
    case 'headnorm': throw pending('q/k head norm');
    case 'rope': throw pending('rotary embedding');
    case 'swiglu': throw pending('SwiGLU');
  }
}

export { LN_EPS };
