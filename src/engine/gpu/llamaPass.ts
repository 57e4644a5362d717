// The Llama family's training pass on the GPU, with LoRA adapters on a frozen base, recorded into
// one Recorder (one submit each for forward and backward), walking src/engine/block.ts's steps:
// - forward: embeddings → layers (each layer's input kept: ./llamaTrainBuffers.ts checkpoints) →
//   final RMSNorm → the LM head in vocabulary chunks (log p(target), entropy, lse per row);
// - backward: the head's chunks recomputed (dlnf), the final norm, then for l = L−1 … 0: layer l's
//   forward recomputed from its checkpoint into one layer's scratch, then its steps in exact reverse.
// llm.c conventions: ADAPTER AND WEIGHT GRADIENTS ACCUMULATE (+=); activation gradients are
// overwritten by their first consumer met in reverse, except the residual stream's gradient `dres`,
// which the residual adds pass on unchanged (their backward is the identity) and each RMSNorm
// reading the stream adds into (the fan-out join). With LoRA the base's weights are read at file
// precision (dinp = dout · W, half weights decoded in the kernel) and never get a gradient; with
// full fine-tuning (`grads` given, f32 weights: src/engine/full/) every weight gets its gradient
// from the same walk: dW += doutᵀ·x and db += Σ dout (the matmul's backward), norm weights (the
// RMSNorm backward's dweight entry), the LM head per vocabulary chunk, the embedding's rows from
// the residual stream's final gradient (the embedding backward's gather).
// CPU reference: src/engine/cpu/llamaTrain.ts (llamaTrainForward / llamaTrainBackward).
import type { Recorder } from './encoding.ts';
import { at, type GpuTensor } from './tensor.ts';
import { blockSteps, type BlockAct, type HeadView } from '../block.ts';
import type { LlamaConfig } from '../llamaConfig.ts';
import { loraSlotsFor, type LoraLayoutView } from '../loraView.ts';
import type { EngineWeights } from './weights.ts';
import type { LlamaTrainBuffers } from './llamaTrainBuffers.ts';
import { embeddingBackward, embeddingForward } from './layers/encoder.ts';
import { rmsnormBackward, rmsnormForward } from './layers/rmsnorm.ts';
import { matmulBackward, matmulForward } from './layers/matmul.ts';
import { gqaAttentionBackward, gqaAttentionForward } from './layers/attention.ts';
import { rotaryBackward, rotaryForward } from './layers/rotary.ts';
import { swigluBackward, swigluForward } from './layers/swiglu.ts';
import { residualForward } from './layers/residual.ts';
import { loraBackward, loraForward } from './layers/lora.ts';
import { chunkedHeadBackward, chunkedHeadForward } from './layers/chunkedHead.ts';
import { strided, type Rows } from './layers/rows.ts';

export interface LlamaPass {
  config: LlamaConfig;
  weights: EngineWeights;
  /** the rotary cos/sin table [2, P, HD/2] (src/engine/rope.ts) with P ≥ bufs.maxT */
  rope: { table: GpuTensor; positions: number };
  bufs: LlamaTrainBuffers;
  /** adapters (flat, ../lora/loraLayout.ts) and their gradients; null: the base alone */
  lora: { layout: LoraLayoutView; params: GPUBuffer; grads: GPUBuffer } | null;
  /** every weight's gradient (the layout of `weights`, f32): full fine-tuning; absent: the weights are frozen */
  grads?: EngineWeights;
}

const heads = (q: HeadView, k: HeadView) => ({ NH: q.heads, NKV: k.heads, HD: q.headDim });

/** Layer l's forward from checkpoints[l]; `recompute` (the backward's) does not rewrite checkpoints[l + 1]. */
function layerForward(rec: Recorder, m: LlamaPass, l: number, B: number, T: number, recompute: boolean): void {
  const c = m.config, b = m.bufs, N = B * T, C = c.nEmbd, eps = c.rmsNormEps;
  const buf = (x: BlockAct): GpuTensor => at(x === 'residual' ? b.checkpoints[l] : x === 'residual3' ? b.checkpoints[l + 1] : b.acts[x]!);
  const view = (v: HeadView, src: GPUBuffer = b.acts[v.act]!): Rows => strided(at(src, v.off), v.stride);
  const W = (p: Parameters<EngineWeights['layer']>[1]) => m.weights.layer(l, p);
  const snapshotted = new Set<BlockAct>();
  const steps = blockSteps(c);
  steps.forEach((s, i) => {
    switch (s.op) {
      case 'rmsnorm': rmsnormForward(rec, buf(s.to), at(b.rstd.get(i)!), buf(s.from), W(s.w), N, C, eps); break;
      case 'linear': {
        matmulForward(rec, buf(s.to), buf(s.from), W(s.w), s.b ? W(s.b) : null, N, s.inW, s.outW);
        if (!m.lora) break;
        const { layout, params } = m.lora;
        const first = layout.slots.findIndex((x) => x.layer === l);
        for (const slot of loraSlotsFor(layout, l, s.w)) {
          const u = at(b.loraU[layout.slots.indexOf(slot) - first]);
          const out = buf(s.to);
          loraForward(rec, { ...out, off: out.off + slot.col }, u, buf(s.from), at(params, slot.a), at(params, slot.b),
            { N, inW: slot.inW, outW: slot.outW, r: layout.r, s: layout.scaling, stride: slot.outStride });
        }
        break;
      }
      case 'headnorm': {
        const pre = b.pre[s.view.act]!;
        if (!snapshotted.has(s.view.act)) {
          snapshotted.add(s.view.act);
          rec.commands().copyBufferToBuffer(b.acts[s.view.act]!, 0, pre, 0, N * s.view.stride * 4);
        }
        rmsnormForward(rec, view(s.view), at(b.rstd.get(i)!), view(s.view, pre), W(s.w), N, s.view.headDim, eps, s.view.heads);
        break;
      }
      case 'rope': rotaryForward(rec, view(s.view), b.positions, m.rope.table, N, s.view.heads, s.view.headDim, m.rope.positions); break;
      case 'attention': gqaAttentionForward(rec, buf(s.to), at(b.att), view(s.q), view(s.k), view(s.v), B, T, heads(s.q, s.k)); break;
      case 'swiglu': swigluForward(rec, buf(s.to), view(s.gate), view(s.up), N, s.width); break;
      case 'residual':
        if (!(recompute && s.to === 'residual3')) residualForward(rec, buf(s.to), buf(s.from), buf(s.add), N * C);
        break;
      default: throw new TypeError(`the Llama training pass has no '${s.op}' step`);
    }
  });
}

/** Layer l's backward from dres = ∂L/∂(its output); leaves ∂L/∂(its input) in dres. Needs layerForward(…, l, …) just before. */
function layerBackward(rec: Recorder, m: LlamaPass, l: number, B: number, T: number): void {
  const c = m.config, b = m.bufs, N = B * T, C = c.nEmbd;
  const act = (x: BlockAct): GpuTensor => at(x === 'residual' ? b.checkpoints[l] : b.acts[x]!);
  const view = (v: HeadView, src: GPUBuffer): Rows => strided(at(src, v.off), v.stride);
  const W = (p: Parameters<EngineWeights['layer']>[1]) => m.weights.layer(l, p);
  const G = (p: Parameters<EngineWeights['layer']>[1]) => (m.grads ? m.grads.layer(l, p) : null);
  // d[x]: the buffer holding ∂L/∂x; `orig`: an activation's gradient before its head norms' backward moved it to dpre
  const d: Partial<Record<BlockAct, GPUBuffer>> = { residual3: b.dres };
  const orig: Partial<Record<BlockAct, GPUBuffer>> = {};
  const steps = blockSteps(c);
  for (let i = steps.length - 1; i >= 0; i--) {
    const s = steps[i];
    switch (s.op) {
      case 'residual': d[s.from] = d[s.to]; d[s.add] = d[s.to]; break;
      case 'rmsnorm': {
        const had = d[s.from] !== undefined;
        const dinp = (d[s.from] ??= b.grads[s.from]!);
        rmsnormBackward(rec, at(dinp), G(s.w), at(d[s.to]!), act(s.from), W(s.w), at(b.rstd.get(i)!), N, C, had);
        break;
      }
      case 'linear': {
        const had = d[s.from] !== undefined;
        const dinp = at((d[s.from] ??= b.grads[s.from]!));
        const dout = at(d[s.to]!);
        matmulBackward(rec, dinp, G(s.w), s.b ? G(s.b) : null, dout, act(s.from), W(s.w), N, s.inW, s.outW, { accumulate: had });
        if (!m.lora) break;
        const { layout, params, grads } = m.lora;
        const first = layout.slots.findIndex((x) => x.layer === l);
        for (const slot of loraSlotsFor(layout, l, s.w)) {
          loraBackward(rec, dinp, at(grads, slot.a), at(grads, slot.b), at(b.du), { ...dout, off: dout.off + slot.col }, act(s.from),
            at(b.loraU[layout.slots.indexOf(slot) - first]), at(params, slot.a), at(params, slot.b),
            { N, inW: slot.inW, outW: slot.outW, r: layout.r, s: layout.scaling, stride: slot.outStride });
        }
        break;
      }
      case 'headnorm': {
        const x = s.view.act;
        if (!orig[x]) {
          const from = d[x]!, to = b.dpre[x]!;
          orig[x] = from;
          d[x] = to;
          rec.commands().copyBufferToBuffer(from, 0, to, 0, N * s.view.stride * 4);
        }
        rmsnormBackward(rec, view(s.view, d[x]!), G(s.w), view(s.view, orig[x]!), view(s.view, b.pre[x]!), W(s.w), at(b.rstd.get(i)!),
          N, s.view.headDim, false, s.view.heads);
        break;
      }
      case 'rope': rotaryBackward(rec, view(s.view, d[s.view.act]!), b.positions, m.rope.table, N, s.view.heads, s.view.headDim, m.rope.positions); break;
      case 'attention': {
        const g = (d[s.q.act] ??= b.grads[s.q.act]!);
        gqaAttentionBackward(rec, view(s.q, g), view(s.k, g), view(s.v, g), b.dpreatt, at(d[s.to]!),
          view(s.q, b.acts[s.q.act]!), view(s.k, b.acts[s.k.act]!), view(s.v, b.acts[s.v.act]!), at(b.att), B, T, heads(s.q, s.k));
        break;
      }
      case 'swiglu': {
        const g = (d[s.gate.act] ??= b.grads[s.gate.act]!);
        swigluBackward(rec, view(s.gate, g), view(s.up, g), at(d[s.to]!), view(s.gate, b.acts[s.gate.act]!), view(s.up, b.acts[s.up.act]!), N, s.width);
        break;
      }
      default: throw new TypeError(`the Llama training pass has no '${s.op}' step`);
    }
  }
  if (d.residual !== b.dres) throw new Error('the block did not pass the residual stream\'s gradient on');
}

/** Embeddings, every layer (their inputs kept), the final norm into bufs.lnf. tokens/positions uploaded. */
export function recordLlamaTrunkForward(rec: Recorder, m: LlamaPass, B: number, T: number): void {
  const c = m.config, b = m.bufs, N = B * T;
  embeddingForward(rec, at(b.checkpoints[0]), b.tokens, null, m.weights.embed, null, N, c.nEmbd);
  for (let l = 0; l < c.nLayer; l++) layerForward(rec, m, l, B, T, false);
  rmsnormForward(rec, at(b.lnf), at(b.lnfRstd), at(b.checkpoints[c.nLayer]), m.weights.finalNormW, N, c.nEmbd, c.rmsNormEps);
}

/** The trunk, then log p(target), entropy and lse per row into bufs.head (targets uploaded). */
export function recordLlamaForward(rec: Recorder, m: LlamaPass, B: number, T: number): void {
  const c = m.config, b = m.bufs;
  recordLlamaTrunkForward(rec, m, B, T);
  chunkedHeadForward(rec, b.head, at(b.lnf), m.weights.head, b.targets, B * T, c.nEmbd, c.vocabSize, b.Vc);
}

/** Backward of the trunk from bufs.dlnf = ∂L/∂(final norm output) (the LM head's, or a value head's). */
export function recordLlamaTrunkBackward(rec: Recorder, m: LlamaPass, B: number, T: number): void {
  const c = m.config, b = m.bufs, N = B * T;
  rmsnormBackward(rec, at(b.dres), m.grads?.finalNormW ?? null, at(b.dlnf), at(b.checkpoints[c.nLayer]), m.weights.finalNormW, at(b.lnfRstd), N, c.nEmbd, false);
  for (let l = c.nLayer - 1; l >= 0; l--) {
    layerForward(rec, m, l, B, T, true);
    layerBackward(rec, m, l, B, T);
  }
  // dres = ∂L/∂(token embeddings): each embedding row gathers the rows of its token
  if (m.grads) embeddingBackward(rec, m.grads.embed.buf, m.grads.embed.off, at(b.dres), b.tokens, N, c.vocabSize, c.nEmbd);
}

/** Backward of the last recordLlamaForward for the same B, T, with dlogp [B·T] in bufs.dlogp. */
export function recordLlamaBackward(rec: Recorder, m: LlamaPass, B: number, T: number): void {
  const c = m.config, b = m.bufs;
  chunkedHeadBackward(rec, at(b.dlnf), b.head, at(b.lnf), m.weights.head, b.targets, b.dlogp, B * T, c.nEmbd, c.vocabSize, b.Vc, m.grads?.head ?? null);
  recordLlamaTrunkBackward(rec, m, B, T);
}
