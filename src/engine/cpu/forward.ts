// The float64 CPU reference forward of any engine configuration (the toy GPT-2 and the Llama
// family), walking the same src/engine/block.ts steps as the GPU passes: one sequence's logits,
// the ground truth our WebGPU inference is tested against (the toy's training reference with saved
// activations is ./gpt.ts). Head views (q, k, v, gate, up inside a packed activation) are copied
// out dense, transformed, and written back.
import { blockActWidths, blockSteps, isLlama, type BlockAct, type BlockParam, type EngineConfig, type HeadView } from '../block.ts';
import { encoderForward, tokenEmbeddingForward } from './layers/encoder.ts';
import { layernormForward } from './layers/layernorm.ts';
import { rmsnormForward } from './layers/rmsnorm.ts';
import { matmulForward } from './layers/matmul.ts';
import { gqaAttentionForward } from './layers/attention.ts';
import { geluForward } from './layers/gelu.ts';
import { swigluForward } from './layers/swiglu.ts';
import { residualForward } from './layers/residual.ts';
import { rotaryForward } from './layers/rotary.ts';
import { ropeTableFor } from '../rope.ts';

export interface CpuWeights {
  embed: Float64Array; // [V, C]
  positions: Float64Array | null; // [maxT, C] (toy) or null (rotary)
  finalNormW: Float64Array;
  finalNormB: Float64Array | null;
  head: Float64Array; // [V, C]
  layer(l: number, p: BlockParam): Float64Array;
}

function readView(acts: Float64Array, T: number, v: HeadView): Float64Array {
  const W = v.heads * v.headDim;
  const out = new Float64Array(T * W);
  for (let t = 0; t < T; t++) out.set(acts.subarray(t * v.stride + v.off, t * v.stride + v.off + W), t * W);
  return out;
}

function writeView(acts: Float64Array, T: number, v: HeadView, dense: Float64Array): void {
  const W = v.heads * v.headDim;
  for (let t = 0; t < T; t++) acts.set(dense.subarray(t * W, (t + 1) * W), t * v.stride + v.off);
}

/** logits [T, V] of `ids` (positions 0 … T−1). */
export function cpuForwardLogits(c: EngineConfig, w: CpuWeights, ids: number[]): Float64Array {
  const T = ids.length;
  const C = c.nEmbd;
  const widths = blockActWidths(c);
  const tokens = Int32Array.from(ids);
  const positions = Int32Array.from(ids, (_, t) => t);
  let residual: Float64Array = new Float64Array(T * C);
  if (w.positions) encoderForward(residual, tokens, w.embed, w.positions, 1, T, C);
  else tokenEmbeddingForward(residual, tokens, w.embed, T, C);
  const table = isLlama(c) ? ropeTableFor(c, T) : null;
  const eps = isLlama(c) ? c.rmsNormEps : 0;
  for (let l = 0; l < c.nLayer; l++) {
    const a = {} as Record<BlockAct, Float64Array>;
    a.residual = residual;
    const buf = (name: BlockAct) => (a[name] ??= new Float64Array(T * widths[name]));
    const P = (p: BlockParam) => w.layer(l, p);
    for (const s of blockSteps(c)) {
      switch (s.op) {
        case 'layernorm': layernormForward(buf(s.to), new Float64Array(T), new Float64Array(T), buf(s.from), P(s.w), P(s.b), 1, T, C); break;
        case 'rmsnorm': rmsnormForward(buf(s.to), new Float64Array(T), buf(s.from), P(s.w), T, C, eps); break;
        case 'linear': matmulForward(buf(s.to), buf(s.from), P(s.w), s.b ? P(s.b) : null, 1, T, s.inW, s.outW); break;
        case 'headnorm': {
          const x = readView(buf(s.view.act), T, s.view);
          rmsnormForward(x, new Float64Array(T * s.view.heads), x, P(s.w), T * s.view.heads, s.view.headDim, eps);
          writeView(buf(s.view.act), T, s.view, x);
          break;
        }
        case 'rope': {
          const x = readView(buf(s.view.act), T, s.view);
          rotaryForward(x, x, positions, table!, T, s.view.heads, s.view.headDim, T);
          writeView(buf(s.view.act), T, s.view, x);
          break;
        }
        case 'attention': {
          const [q, k, v] = [s.q, s.k, s.v].map((view) => readView(buf(view.act), T, view));
          const att = new Float64Array(s.q.heads * T * T);
          gqaAttentionForward(buf(s.to), new Float64Array(att.length), att, q, k, v, 1, T, s.q.heads, s.k.heads, s.q.headDim);
          break;
        }
        case 'gelu': geluForward(buf(s.to), buf(s.from), T * s.width); break;
        case 'swiglu': swigluForward(buf(s.to), readView(buf(s.gate.act), T, s.gate), readView(buf(s.up.act), T, s.up), T * s.width); break;
        case 'residual': residualForward(buf(s.to), buf(s.from), buf(s.add), T * C); break;
      }
    }
    residual = a.residual3;
  }
  const lnf = new Float64Array(T * C);
  if (w.finalNormB) layernormForward(lnf, new Float64Array(T), new Float64Array(T), residual, w.finalNormW, w.finalNormB, 1, T, C);
  else rmsnormForward(lnf, new Float64Array(T), residual, w.finalNormW, T, C, eps);
  const logits = new Float64Array(T * c.vocabSize);
  matmulForward(logits, lnf, w.head, null, 1, T, C, c.vocabSize);
  return logits;
}
