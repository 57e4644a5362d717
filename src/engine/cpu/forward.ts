// The float64 CPU reference forward of any engine configuration (the toy GPT-2 and the Llama
// family), walking the same src/engine/block.ts steps as the GPU passes: one sequence's logits,
// the ground truth our WebGPU inference is tested against (the toy's training reference with saved
// activations is ./gpt.ts; the Llama family's, with LoRA adapters, is ./llamaTrain.ts, on the
// same walk: cpuBlockForward). Head views (q, k, v, gate, up inside a packed activation) are
// copied out dense, transformed, and written back.
import { blockActWidths, blockSteps, isLlama, type BlockAct, type BlockParam, type EngineConfig, type HeadView } from '../block.ts';
import { loraSlotsFor, type LoraLayoutView } from '../loraView.ts';
import { encoderForward, tokenEmbeddingForward } from './layers/encoder.ts';
import { layernormForward } from './layers/layernorm.ts';
import { rmsnormForward } from './layers/rmsnorm.ts';
import { matmulForward } from './layers/matmul.ts';
import { gqaAttentionForward } from './layers/attention.ts';
import { geluForward } from './layers/gelu.ts';
import { swigluForward } from './layers/swiglu.ts';
import { residualForward } from './layers/residual.ts';
import { rotaryForward } from './layers/rotary.ts';
import { loraForward } from './layers/lora.ts';
import { ropeTableFor } from '../rope.ts';

export interface CpuWeights {
  embed: Float64Array; // [V, C]
  positions: Float64Array | null; // [maxT, C] (toy) or null (rotary)
  finalNormW: Float64Array;
  finalNormB: Float64Array | null;
  head: Float64Array; // [V, C]
  layer(l: number, p: BlockParam): Float64Array;
}

/** LoRA adapters in the flat layout of src/engine/lora/loraLayout.ts. */
export interface CpuLora {
  layout: LoraLayoutView;
  params: Float64Array;
}

/** One layer's forward, kept for its backward (./llamaTrain.ts). Maps are keyed by step index. */
export interface LayerRecord {
  /** every activation of the block, [N, width] (residual = the layer's input) */
  acts: Record<BlockAct, Float64Array>;
  /** rstd of each norm step ([N] for rmsnorm, [N·heads] for headnorm) */
  rstd: Map<number, Float64Array>;
  /** the softmax of each attention step [B, NH, T, T] */
  att: Map<number, Float64Array>;
  /** an activation as it was before the first headnorm rewrote it in place */
  pre: Map<BlockAct, Float64Array>;
  /** u = x·Aᵀ [N, r] of each LoRA slot of each linear step, in slotsFor order */
  u: Map<number, Float64Array[]>;
}

export function readView(acts: Float64Array, N: number, v: HeadView): Float64Array {
  const W = v.heads * v.headDim;
  const out = new Float64Array(N * W);
  for (let t = 0; t < N; t++) out.set(acts.subarray(t * v.stride + v.off, t * v.stride + v.off + W), t * W);
  return out;
}

export function writeView(acts: Float64Array, N: number, v: HeadView, dense: Float64Array): void {
  const W = v.heads * v.headDim;
  for (let t = 0; t < N; t++) acts.set(dense.subarray(t * W, (t + 1) * W), t * v.stride + v.off);
}

/**
 * Layer l of B sequences of T positions (N = B·T rows, row b·T + t at position positions[row]),
 * from its input `residual` [N, C]; LoRA deltas added where `lora` adapts a linear. `table`: the
 * rotary cos/sin table of P positions (Llama family).
 */
export function cpuBlockForward(
  c: EngineConfig, w: CpuWeights, l: number, residual: Float64Array, B: number, T: number,
  positions: Int32Array, table: { values: Float32Array; P: number } | null, lora: CpuLora | null = null,
): LayerRecord {
  const N = B * T;
  const C = c.nEmbd;
  const widths = blockActWidths(c);
  const eps = isLlama(c) ? c.rmsNormEps : 0;
  const rec: LayerRecord = { acts: { residual } as Record<BlockAct, Float64Array>, rstd: new Map(), att: new Map(), pre: new Map(), u: new Map() };
  const buf = (name: BlockAct) => (rec.acts[name] ??= new Float64Array(N * widths[name]));
  const P = (p: BlockParam) => w.layer(l, p);
  blockSteps(c).forEach((s, i) => {
    switch (s.op) {
      case 'layernorm': layernormForward(buf(s.to), new Float64Array(N), new Float64Array(N), buf(s.from), P(s.w), P(s.b), 1, N, C); break;
      case 'rmsnorm': {
        const rstd = new Float64Array(N);
        rmsnormForward(buf(s.to), rstd, buf(s.from), P(s.w), N, C, eps);
        rec.rstd.set(i, rstd);
        break;
      }
      case 'linear': {
        matmulForward(buf(s.to), buf(s.from), P(s.w), s.b ? P(s.b) : null, 1, N, s.inW, s.outW);
        if (!lora) break;
        const us = loraSlotsFor(lora.layout, l, s.w).map((slot) => {
          const { r } = lora.layout;
          const u = new Float64Array(N * r);
          const A = lora.params.subarray(slot.a, slot.a + r * slot.inW);
          const Bm = lora.params.subarray(slot.b, slot.b + slot.outW * r);
          loraForward(buf(s.to), u, buf(s.from), A, Bm, N, slot.inW, slot.outW, r, lora.layout.scaling, slot.col, slot.outStride);
          return u;
        });
        rec.u.set(i, us);
        break;
      }
      case 'headnorm': {
        if (!rec.pre.has(s.view.act)) rec.pre.set(s.view.act, buf(s.view.act).slice());
        const x = readView(buf(s.view.act), N, s.view);
        const rstd = new Float64Array(N * s.view.heads);
        rmsnormForward(x, rstd, x, P(s.w), N * s.view.heads, s.view.headDim, eps);
        writeView(buf(s.view.act), N, s.view, x);
        rec.rstd.set(i, rstd);
        break;
      }
      case 'rope': {
        if (!table) throw new Error('a rotary step needs the cos/sin table');
        const x = readView(buf(s.view.act), N, s.view);
        rotaryForward(x, x, positions, table.values, N, s.view.heads, s.view.headDim, table.P);
        writeView(buf(s.view.act), N, s.view, x);
        break;
      }
      case 'attention': {
        const [q, k, v] = [s.q, s.k, s.v].map((view) => readView(buf(view.act), N, view));
        const att = new Float64Array(B * s.q.heads * T * T);
        gqaAttentionForward(buf(s.to), new Float64Array(att.length), att, q, k, v, B, T, s.q.heads, s.k.heads, s.q.headDim);
        rec.att.set(i, att);
        break;
      }
      case 'gelu': geluForward(buf(s.to), buf(s.from), N * s.width); break;
      case 'swiglu': swigluForward(buf(s.to), readView(buf(s.gate.act), N, s.gate), readView(buf(s.up.act), N, s.up), N * s.width); break;
      case 'residual': residualForward(buf(s.to), buf(s.from), buf(s.add), N * C); break;
    }
  });
  return rec;
}

/** logits [T, V] of `ids` (positions 0 … T−1). */
export function cpuForwardLogits(c: EngineConfig, w: CpuWeights, ids: number[], lora: CpuLora | null = null): Float64Array {
  const T = ids.length;
  const C = c.nEmbd;
  const tokens = Int32Array.from(ids);
  const positions = Int32Array.from(ids, (_, t) => t);
  let residual: Float64Array = new Float64Array(T * C);
  if (w.positions) encoderForward(residual, tokens, w.embed, w.positions, 1, T, C);
  else tokenEmbeddingForward(residual, tokens, w.embed, T, C);
  const table = isLlama(c) ? { values: ropeTableFor(c, T), P: T } : null;
  const eps = isLlama(c) ? c.rmsNormEps : 0;
  for (let l = 0; l < c.nLayer; l++) residual = cpuBlockForward(c, w, l, residual, 1, T, positions, table, lora).acts.residual3;
  const lnf = new Float64Array(T * C);
  if (w.finalNormB) layernormForward(lnf, new Float64Array(T), new Float64Array(T), residual, w.finalNormW, w.finalNormB, 1, T, C);
  else rmsnormForward(lnf, new Float64Array(T), residual, w.finalNormW, T, C, eps);
  const logits = new Float64Array(T * c.vocabSize);
  matmulForward(logits, lnf, w.head, null, 1, T, C, c.vocabSize);
  return logits;
}
