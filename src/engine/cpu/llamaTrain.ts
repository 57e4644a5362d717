// The float64 CPU reference of the Llama family's training pass with LoRA adapters: forward of a
// [B, T] batch (every activation kept: it is a reference, not a memory plan) and backward in exact
// reverse order of src/engine/block.ts's steps, llm.c style: ADAPTER GRADIENTS ACCUMULATE (+=)
// into the flat gradient vector; activation gradients are written once per consumer, and the
// residual stream's gradient `dres` is passed on through the residual adds (their backward is
// the identity) while each norm reading the stream adds its share into it (the fan-out join).
// With LoRA the base weights are frozen: their gradient is never formed, the backward only reads
// them. Full fine-tuning passes `dw` (CpuWeights-shaped gradient arrays, the head the embedding's
// own array when tied): every weight's gradient accumulates (+=) there from the same walk.
// The WebGPU pass (src/engine/gpu/llamaPass.ts) is checked against this, and this against
// central finite differences and torch autograd (python/repro_rl/llama_ref).
import { blockSteps, type BlockAct, type BlockParam } from '../block.ts';
import type { LlamaConfig } from '../llamaConfig.ts';
import { loraSlotsFor } from '../loraView.ts';
import { ropeTableFor } from '../rope.ts';
import { cpuBlockForward, readView, writeView, type CpuLora, type CpuWeights, type LayerRecord } from './forward.ts';
import { tokenEmbeddingForward } from './layers/encoder.ts';
import { rmsnormBackward, rmsnormForward } from './layers/rmsnorm.ts';
import { matmulForward } from './layers/matmul.ts';
import { gqaAttentionBackward } from './layers/attention.ts';
import { swigluBackward } from './layers/swiglu.ts';
import { rotaryBackward } from './layers/rotary.ts';
import { loraBackward } from './layers/lora.ts';
import { logProbHeadBackward, logProbHeadForward } from './layers/logprobHead.ts';

export interface LlamaTrainRecord {
  B: number;
  T: number;
  /** the input tokens [N] (the embedding's gradient gathers by them) */
  tokens: Int32Array;
  positions: Int32Array;
  table: { values: Float32Array; P: number };
  layers: LayerRecord[];
  /** the last layer's output [N, C], the final norm's output and rstd */
  final: Float64Array;
  lnf: Float64Array;
  lnfRstd: Float64Array;
  /** [N, V] */
  logits: Float64Array;
  probs: Float64Array;
  /** [N]: log p(target) (0 where the target is −1) and the entropy (nats) */
  logp: Float64Array;
  entropy: Float64Array;
}

/** Forward of inputs/targets [B, T] (row-major; target −1 = unscored) through the base + adapters. */
export function llamaTrainForward(
  c: LlamaConfig, w: CpuWeights, lora: CpuLora | null, inputs: Int32Array, targets: Int32Array, B: number, T: number,
): LlamaTrainRecord {
  const N = B * T, C = c.nEmbd, V = c.vocabSize;
  const positions = Int32Array.from({ length: N }, (_, i) => i % T);
  const table = { values: ropeTableFor(c, T), P: T };
  let residual: Float64Array = new Float64Array(N * C);
  tokenEmbeddingForward(residual, inputs, w.embed, N, C);
  const layers: LayerRecord[] = [];
  for (let l = 0; l < c.nLayer; l++) {
    const rec = cpuBlockForward(c, w, l, residual, B, T, positions, table, lora);
    layers.push(rec);
    residual = rec.acts.residual3;
  }
  const lnf = new Float64Array(N * C);
  const lnfRstd = new Float64Array(N);
  rmsnormForward(lnf, lnfRstd, residual, w.finalNormW, N, C, c.rmsNormEps);
  const logits = new Float64Array(N * V);
  matmulForward(logits, lnf, w.head, null, 1, N, C, V);
  const probs = new Float64Array(N * V);
  const logp = new Float64Array(N);
  const entropy = new Float64Array(N);
  logProbHeadForward(logp, entropy, probs, logits, targets, 1, N, V);
  return { B, T, tokens: inputs.slice(), positions, table, layers, final: residual, lnf, lnfRstd, logits, probs, logp, entropy };
}

/** dinp [N, C] = dout [N, OC] · W [OC, C] (the frozen weight's input gradient only). */
function linearInputGrad(dinp: Float64Array, dout: Float64Array, W: Float64Array, N: number, C: number, OC: number, add: boolean): void {
  for (let n = 0; n < N; n++) {
    for (let i = 0; i < C; i++) {
      let acc = add ? dinp[n * C + i] : 0;
      for (let o = 0; o < OC; o++) acc += dout[n * OC + o] * W[o * C + i];
      dinp[n * C + i] = acc;
    }
  }
}

/** dW [OC, C] += doutᵀ · x and db [OC] += Σ_n dout (a trained weight's gradient; db null: no bias). */
function linearWeightGrad(dW: Float64Array, db: Float64Array | null, dout: Float64Array, x: Float64Array, N: number, C: number, OC: number): void {
  for (let n = 0; n < N; n++) {
    for (let o = 0; o < OC; o++) {
      const g = dout[n * OC + o];
      if (g === 0) continue;
      if (db) db[o] += g;
      for (let i = 0; i < C; i++) dW[o * C + i] += g * x[n * C + i];
    }
  }
}

/**
 * Backward of layer l from dres = ∂L/∂(its output) [N, C]; on return dres holds ∂L/∂(its input).
 * Adapter gradients accumulate into dlora (the flat layout of `lora`), weight gradients into dw.
 */
export function cpuBlockBackward(
  c: LlamaConfig, w: CpuWeights, l: number, rec: LayerRecord, dres: Float64Array, B: number, T: number,
  positions: Int32Array, table: { values: Float32Array; P: number }, lora: CpuLora | null, dlora: Float64Array | null,
  dw: CpuWeights | null = null,
): void {
  const N = B * T, C = c.nEmbd;
  const P = (p: BlockParam) => w.layer(l, p);
  /** the weight's gradient array, or a scratch one nobody reads (frozen weights) */
  const dP = (p: BlockParam, n: number) => (dw ? dw.layer(l, p) : new Float64Array(n));
  const a = rec.acts;
  // d[x]: the gradient of activation x; set by its first consumer met in reverse, added to by later ones
  const d: Partial<Record<BlockAct, Float64Array>> = { residual3: dres };
  const grad = (x: BlockAct, width: number) => (d[x] ??= new Float64Array(N * width));
  const steps = blockSteps(c);
  for (let i = steps.length - 1; i >= 0; i--) {
    const s = steps[i];
    switch (s.op) {
      case 'residual': d[s.from] = d[s.to]; d[s.add] = d[s.to]; break; // identity: the same gradient flows on
      case 'rmsnorm': {
        const had = d[s.from] !== undefined;
        const dinp = new Float64Array(N * C);
        rmsnormBackward(dinp, dP(s.w, C), d[s.to]!, a[s.from], P(s.w), rec.rstd.get(i)!, N, C);
        const dst = grad(s.from, C);
        for (let k = 0; k < N * C; k++) dst[k] = had ? dst[k] + dinp[k] : dinp[k];
        break;
      }
      case 'linear': {
        const dout = d[s.to]!;
        const had = d[s.from] !== undefined;
        const dinp = grad(s.from, s.inW);
        linearInputGrad(dinp, dout, P(s.w), N, s.inW, s.outW, had);
        if (dw) linearWeightGrad(dw.layer(l, s.w), s.b ? dw.layer(l, s.b) : null, dout, a[s.from], N, s.inW, s.outW);
        if (!lora || !dlora) break;
        const { r, scaling } = lora.layout;
        loraSlotsFor(lora.layout, l, s.w).forEach((slot, k) => {
          const A = lora.params.subarray(slot.a, slot.a + r * slot.inW);
          const Bm = lora.params.subarray(slot.b, slot.b + slot.outW * r);
          const dA = dlora.subarray(slot.a, slot.a + r * slot.inW);
          const dB = dlora.subarray(slot.b, slot.b + slot.outW * r);
          loraBackward(dinp, dA, dB, dout, a[s.from], rec.u.get(i)![k], A, Bm, N, slot.inW, slot.outW, r, scaling, slot.col, slot.outStride);
        });
        break;
      }
      case 'headnorm': {
        const g = d[s.view.act]!;
        const dx = new Float64Array(N * s.view.heads * s.view.headDim);
        rmsnormBackward(dx, dP(s.w, s.view.headDim), readView(g, N, s.view), readView(rec.pre.get(s.view.act)!, N, s.view),
          P(s.w), rec.rstd.get(i)!, N * s.view.heads, s.view.headDim);
        writeView(g, N, s.view, dx);
        break;
      }
      case 'rope': {
        const g = d[s.view.act]!;
        const x = readView(g, N, s.view);
        rotaryBackward(x, x, positions, table.values, N, s.view.heads, s.view.headDim, table.P);
        writeView(g, N, s.view, x);
        break;
      }
      case 'attention': {
        const [q, k, v] = [s.q, s.k, s.v].map((view) => readView(a[view.act], N, view));
        const NH = s.q.heads, NKV = s.k.heads, HD = s.q.headDim;
        const dq = new Float64Array(N * NH * HD), dk = new Float64Array(N * NKV * HD), dv = new Float64Array(N * NKV * HD);
        const scratch = () => new Float64Array(B * NH * T * T);
        gqaAttentionBackward(dq, dk, dv, scratch(), scratch(), d[s.to]!, q, k, v, rec.att.get(i)!, B, T, NH, NKV, HD);
        const g = grad(s.q.act, s.q.stride);
        writeView(g, N, s.q, dq);
        writeView(g, N, s.k, dk);
        writeView(g, N, s.v, dv);
        break;
      }
      case 'swiglu': {
        const I = s.width;
        const dgate = new Float64Array(N * I), dup = new Float64Array(N * I);
        swigluBackward(dgate, dup, d[s.to]!, readView(a[s.gate.act], N, s.gate), readView(a[s.up.act], N, s.up), N * I);
        const g = grad(s.gate.act, s.gate.stride);
        writeView(g, N, s.gate, dgate);
        writeView(g, N, s.up, dup);
        break;
      }
      default: throw new TypeError(`the Llama training reference has no '${s.op}' step`);
    }
  }
  if (d.residual !== dres) throw new Error('the block did not pass the residual stream\'s gradient on');
}

/**
 * Backward of the forward `rec` for dlogp [N] = ∂L/∂logp; adapter gradients accumulate into dlora,
 * weight gradients (full fine-tuning) into dw. Returns ∂L/∂(token embeddings) [N, C].
 */
export function llamaTrainBackward(
  c: LlamaConfig, w: CpuWeights, lora: CpuLora | null, rec: LlamaTrainRecord, targets: Int32Array,
  dlogp: ArrayLike<number>, dlora: Float64Array | null, dw: CpuWeights | null = null,
): Float64Array {
  const { B, T } = rec;
  const N = B * T, C = c.nEmbd, V = c.vocabSize;
  const dlogits = new Float64Array(N * V);
  logProbHeadBackward(dlogits, dlogp, rec.probs, targets, 1, N, V);
  const dlnf = new Float64Array(N * C);
  linearInputGrad(dlnf, dlogits, w.head, N, C, V, false);
  if (dw) linearWeightGrad(dw.head, null, dlogits, rec.lnf, N, C, V);
  return llamaTrunkBackward(c, w, lora, rec, dlnf, dlora, dw);
}

/**
 * Backward of the trunk of `rec` (the final norm, then every layer) from dlnf [N, C] = ∂L/∂(final
 * norm output): the LM head's, or a value head's (the LoRA critic). Adapter gradients accumulate
 * into dlora, weight gradients into dw (the embedding's rows += their tokens' rows of the returned
 * gradient); returns ∂L/∂(token embeddings) [N, C].
 */
export function llamaTrunkBackward(
  c: LlamaConfig, w: CpuWeights, lora: CpuLora | null, rec: LlamaTrainRecord, dlnf: Float64Array, dlora: Float64Array | null,
  dw: CpuWeights | null = null,
): Float64Array {
  const { B, T } = rec;
  const N = B * T, C = c.nEmbd;
  const dres = new Float64Array(N * C);
  rmsnormBackward(dres, dw ? dw.finalNormW : new Float64Array(C), dlnf, rec.final, w.finalNormW, rec.lnfRstd, N, C);
  for (let l = c.nLayer - 1; l >= 0; l--) cpuBlockBackward(c, w, l, rec.layers[l], dres, B, T, rec.positions, rec.table, lora, dlora, dw);
  if (dw) {
    for (let r = 0; r < N; r++) {
      const e = rec.tokens[r] * C;
      for (let i = 0; i < C; i++) dw.embed[e + i] += dres[r * C + i];
    }
  }
  return dres;
}
