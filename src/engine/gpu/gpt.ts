// The training pass of the toy GPT-2 on the GPU, recorded into one Recorder (one submit each):
// forward fills the TrainingBuffers; backward walks the layers in exact reverse order.
// PARAMETER GRADIENTS ACCUMULATE (+=) into the flat grads buffer; ACTIVATION GRADIENTS ARE
// OVERWRITTEN, except the residual-stream gradient `dres`, into which each LayerNorm backward adds
// its contribution (the fan-out join; the residual add's backward is the identity, so dres is
// passed on to the branch unchanged instead of being copied).
// CPU reference: src/engine/cpu/gpt.ts gptForward / gptBackward.
import type { ModelConfig, ParamLayout, ParamName } from '../config.ts';
import { layerAt, type TrainingBuffers } from './activations.ts';
import { blockActWidths, blockSteps, notToy, toyLayerSize, type BlockAct } from '../block.ts';
import type { Recorder } from './encoding.ts';
import { at, type GpuTensor } from './tensor.ts';
import { embeddingBackward, encoderForward } from './layers/encoder.ts';
import { layernormBackward, layernormForward } from './layers/layernorm.ts';
import { matmulBackward, matmulForward } from './layers/matmul.ts';
import { attentionBackward, attentionForward } from './layers/attention.ts';
import { geluBackward, geluForward } from './layers/gelu.ts';
import { residualForward } from './layers/residual.ts';
import { logProbHeadBackward, logProbHeadForward } from './layers/logprobHead.ts';

export interface GptGpu {
  config: ModelConfig;
  layout: ParamLayout;
  params: GPUBuffer;
  grads: GPUBuffer;
  acts: TrainingBuffers;
}

/** Parameter (or gradient) tensor `name` of layer l, with `size` elements per layer. */
export function paramAt(buf: GPUBuffer, layout: ParamLayout, name: ParamName, l = 0, size = 0): GpuTensor {
  return at(buf, layout.offsets[name] + l * size);
}

export function recordForward(rec: Recorder, m: GptGpu, B: number, T: number): void {
  const { nEmbd: C, vocabSize: V } = m.config;
  const a = m.acts;
  recordTrunkForward(rec, m, B, T);
  matmulForward(rec, at(a.logits), at(a.lnf), paramAt(m.params, m.layout, 'wte'), null, B * T, C, V);
  logProbHeadForward(rec, a.logp, a.entropy, a.lse, at(a.logits), a.targets, B * T, V);
}

/** The trunk: encoder, blocks and the final LayerNorm into acts.lnf (the critic's value head reads it too). */
export function recordTrunkForward(rec: Recorder, m: GptGpu, B: number, T: number): void {
  const { nEmbd: C, nHead: NH, nLayer: L } = m.config;
  const a = m.acts;
  const BT = B * T;
  const mx = a.maxBT;
  const P = (name: ParamName, l: number, size: number) => paramAt(m.params, m.layout, name, l, size);
  const widths = blockActWidths(m.config);
  encoderForward(rec, at(a.encoded), a.tokens, a.positions, m.params, m.layout.offsets.wte, m.layout.offsets.wpe, BT, C);
  let residual = at(a.encoded);
  for (let l = 0; l < L; l++) {
    const buf = (name: BlockAct): GpuTensor => (name === 'residual' ? residual : layerAt(a[name as keyof TrainingBuffers] as GPUBuffer, l, mx, widths[name]));
    const PL = (name: ParamName) => P(name, l, toyLayerSize(m.config, name));
    for (const step of blockSteps(m.config)) {
      switch (step.op) {
        case 'layernorm': {
          const [mean, rstd] = step.to === 'ln1' ? [a.ln1Mean, a.ln1Rstd] : [a.ln2Mean, a.ln2Rstd];
          layernormForward(rec, buf(step.to), at(mean, l * mx), at(rstd, l * mx), buf(step.from), m.params, PL(step.w as ParamName).off, PL(step.b as ParamName).off, BT, C);
          break;
        }
        case 'linear':
          matmulForward(rec, buf(step.to), buf(step.from), PL(step.w as ParamName), step.b ? PL(step.b as ParamName) : null, BT, step.inW, step.outW);
          break;
        case 'attention': attentionForward(rec, buf(step.to), at(a.att, l * mx * NH * m.config.blockSize), buf(step.q.act), B, T, C, NH); break;
        case 'gelu': geluForward(rec, buf(step.to), buf(step.from), BT * step.width); break;
        case 'residual': residualForward(rec, buf(step.to), buf(step.from), buf(step.add), BT * C); break;
        default: throw notToy(step);
      }
    }
    residual = buf('residual3');
  }
  layernormForward(rec, at(a.lnf), at(a.lnfMean), at(a.lnfRstd), residual, m.params, m.layout.offsets.lnfw, m.layout.offsets.lnfb, BT, C);
}

/** Backward of the forward recorded for the same B, T, with dlogp [B,T] already in acts.dlogp. */
export function recordBackward(rec: Recorder, m: GptGpu, B: number, T: number): void {
  const { nEmbd: C, vocabSize: V } = m.config;
  const a = m.acts;
  const BT = B * T;
  const P = (name: ParamName, l: number, size: number) => paramAt(m.params, m.layout, name, l, size);
  const G = (name: ParamName, l: number, size: number) => paramAt(m.grads, m.layout, name, l, size);
  const dln = at(a.dln);

  logProbHeadBackward(rec, a.dlogits, a.dlogp, a.logits, a.lse, a.targets, BT, V);
  matmulBackward(rec, dln, G('wte', 0, 0), null, at(a.dlogits), at(a.lnf), P('wte', 0, 0), BT, C, V);
  recordTrunkBackward(rec, m, B, T);
}

/** Backward of the trunk from d(lnf output) already in acts.dln (the LM head's or the value head's). */
export function recordTrunkBackward(rec: Recorder, m: GptGpu, B: number, T: number): void {
  const { nEmbd: C, nHead: NH, vocabSize: V, nLayer: L, blockSize: maxT } = m.config;
  const a = m.acts;
  const BT = B * T;
  const mx = a.maxBT;
  const P = (name: ParamName, l: number, size: number) => paramAt(m.params, m.layout, name, l, size);
  const G = (name: ParamName, l: number, size: number) => paramAt(m.grads, m.layout, name, l, size);
  const dres = at(a.dres);
  const dln = at(a.dln);
  const last = L > 0 ? layerAt(a.residual3, L - 1, mx, C) : at(a.encoded);
  layernormBackward(rec, dres, G('lnfw', 0, 0), G('lnfb', 0, 0), dln, last, P('lnfw', 0, 0), at(a.lnfMean), at(a.lnfRstd), BT, C, false);

  for (let l = L - 1; l >= 0; l--) {
    const residual = l > 0 ? layerAt(a.residual3, l - 1, mx, C) : at(a.encoded);
    // dres = d(residual3): the fcproj branch gets it unchanged (residual backward = identity)
    matmulBackward(rec, at(a.dfchGelu), G('fcprojw', l, 4 * C * C), G('fcprojb', l, C), dres, layerAt(a.fchGelu, l, mx, 4 * C), P('fcprojw', l, 4 * C * C), BT, 4 * C, C);
    geluBackward(rec, at(a.dfch), at(a.dfchGelu), layerAt(a.fch, l, mx, 4 * C), BT * 4 * C);
    matmulBackward(rec, dln, G('fcw', l, 4 * C * C), G('fcb', l, 4 * C), at(a.dfch), layerAt(a.ln2, l, mx, C), P('fcw', l, 4 * C * C), BT, C, 4 * C);
    layernormBackward(rec, dres, G('ln2w', l, C), G('ln2b', l, C), dln, layerAt(a.residual2, l, mx, C), P('ln2w', l, C), at(a.ln2Mean, l * mx), at(a.ln2Rstd, l * mx), BT, C, true);
    // dres = d(residual2): the attproj branch gets it unchanged
    matmulBackward(rec, at(a.datty), G('attprojw', l, C * C), G('attprojb', l, C), dres, layerAt(a.atty, l, mx, C), P('attprojw', l, C * C), BT, C, C);
    attentionBackward(rec, a.dqkv, a.dpreatt, at(a.datty), layerAt(a.qkv, l, mx, 3 * C), at(a.att, l * mx * NH * maxT), B, T, C, NH);
    matmulBackward(rec, dln, G('qkvw', l, 3 * C * C), G('qkvb', l, 3 * C), at(a.dqkv), layerAt(a.ln1, l, mx, C), P('qkvw', l, 3 * C * C), BT, C, 3 * C);
    layernormBackward(rec, dres, G('ln1w', l, C), G('ln1b', l, C), dln, residual, P('ln1w', l, C), at(a.ln1Mean, l * mx), at(a.ln1Rstd, l * mx), BT, C, true);
    // dres = d(residual3 of layer l−1), or d(encoded)
  }
  embeddingBackward(rec, m.grads, m.layout.offsets.wte, dres, a.tokens, BT, V, C);
  embeddingBackward(rec, m.grads, m.layout.offsets.wpe, dres, a.positions, BT, T, C);
}
