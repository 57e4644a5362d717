// The float64 CPU reference of the toy GPT-2 (llm.c gpt2_forward / gpt2_backward), the ground truth
// the WebGPU engine is tested against.
//
// Conventions of every layer in ./layers: `xForward(out, ...inputs, sizes)` and
// `xBackward(dinp..., dout, saved..., sizes)` on Float64Array; the first lines of a body give the
// shapes. PARAMETER GRADIENTS ACCUMULATE (+=) across backward calls (zero them between steps);
// ACTIVATION GRADIENTS ARE OVERWRITTEN (=). A tensor read by two layers (the residual stream feeds
// a LayerNorm and a residual add) gets its gradients joined explicitly by fanOutBackward.
// Backward calls the layers in exact reverse order of forward.
import type { ModelConfig } from '../config.ts';
import type { Activations } from './activations.ts';
import { blockSteps, notToy, toyLayerSize, type BlockAct } from '../block.ts';
import type { ParamName } from '../config.ts';
import { layerSlice, type ParamViews } from './params.ts';
import { encoderBackward, encoderForward } from './layers/encoder.ts';
import { layernormBackward, layernormForward } from './layers/layernorm.ts';
import { matmulBackward, matmulForward } from './layers/matmul.ts';
import { attentionBackward, attentionForward } from './layers/attention.ts';
import { geluBackward, geluForward } from './layers/gelu.ts';
import { fanOutBackward, residualBackward, residualForward } from './layers/residual.ts';
import { logProbHeadBackward, logProbHeadForward } from './layers/logprobHead.ts';

/** Forward of a [B,T] batch into `acts` (sized for B, T); fills logits, logp and entropy. */
export function gptForward(
  p: ParamViews, acts: Activations, inputs: Int32Array, targets: Int32Array, config: ModelConfig,
): void {
  const { B, T } = acts;
  const { nEmbd: C, nHead: NH, vocabSize: V, nLayer: L } = config;
  encoderForward(acts.encoded, inputs, p.wte, p.wpe, B, T, C);
  let residual = acts.encoded;
  for (let l = 0; l < L; l++) {
    const a = acts.layers[l];
    const buf = (name: BlockAct): Float64Array => (name === 'residual' ? residual : a[name as keyof typeof a]);
    const P = (name: ParamName) => layerSlice(p[name], l, toyLayerSize(config, name));
    for (const step of blockSteps(config)) {
      switch (step.op) {
        case 'layernorm': {
          const [mean, rstd] = step.to === 'ln1' ? [a.ln1Mean, a.ln1Rstd] : [a.ln2Mean, a.ln2Rstd];
          layernormForward(buf(step.to), mean, rstd, buf(step.from), P(step.w as ParamName), P(step.b as ParamName), B, T, C);
          break;
        }
        case 'linear':
          matmulForward(buf(step.to), buf(step.from), P(step.w as ParamName), step.b ? P(step.b as ParamName) : null, B, T, step.inW, step.outW);
          break;
        case 'attention': attentionForward(buf(step.to), a.preatt, a.att, buf(step.q.act), B, T, C, NH); break;
        case 'gelu': geluForward(buf(step.to), buf(step.from), B * T * step.width); break;
        case 'residual': residualForward(buf(step.to), buf(step.from), buf(step.add), B * T * C); break;
        default: throw notToy(step);
      }
    }
    residual = a.residual3;
  }
  layernormForward(acts.lnf, acts.lnfMean, acts.lnfRstd, residual, p.lnfw, p.lnfb, B, T, C);
  // the trunk ends here: acts.lnf is also what the critic's value head reads (src/engine/cpu/critic.ts)
  matmulForward(acts.logits, acts.lnf, p.wte, null, B, T, C, V);
  logProbHeadForward(acts.logp, acts.entropy, acts.probs, acts.logits, targets, B, T, V);
}

/** Backward of the forward that filled `acts`, for dlogp [B,T] = ∂L/∂logp; accumulates into `g`. */
export function gptBackward(
  g: ParamViews, p: ParamViews, acts: Activations, inputs: Int32Array, targets: Int32Array,
  dlogp: ArrayLike<number>, config: ModelConfig,
): void {
  const { B, T } = acts;
  const { nEmbd: C, vocabSize: V } = config;
  const dlogits = new Float64Array(B * T * V);
  const dlnf = new Float64Array(B * T * C);
  logProbHeadBackward(dlogits, dlogp, acts.probs, targets, B, T, V);
  matmulBackward(dlnf, g.wte, null, dlogits, acts.lnf, p.wte, B, T, C, V);
  gptTrunkBackward(g, p, acts, inputs, dlnf, config);
}

/** Backward of the trunk (final LayerNorm, blocks, encoder) from dlnf [B,T,C] = ∂L/∂lnf; accumulates into `g`. */
export function gptTrunkBackward(
  g: ParamViews, p: ParamViews, acts: Activations, inputs: Int32Array, dlnf: Float64Array, config: ModelConfig,
): void {
  const { B, T } = acts;
  const { nEmbd: C, nHead: NH, nLayer: L } = config;
  const BT = B * T;
  const f = (n: number) => new Float64Array(n);
  // activation-gradient scratch, overwritten by each layer
  const dres = f(BT * C); // gradient of the residual stream flowing down
  const dres2 = f(BT * C);
  const dtmp = f(BT * C);
  const dbranch = f(BT * C); // dattproj / dfcproj
  const dln = f(BT * C);
  const datty = f(BT * C);
  const dqkv = f(BT * 3 * C);
  const dpreatt = f(B * NH * T * T);
  const datt = f(B * NH * T * T);
  const dfch = f(BT * 4 * C);
  const dfchGelu = f(BT * 4 * C);

  const lastResidual = L > 0 ? acts.layers[L - 1].residual3 : acts.encoded;
  layernormBackward(dres, g.lnfw, g.lnfb, dlnf, lastResidual, p.lnfw, acts.lnfMean, acts.lnfRstd, B, T, C);

  for (let l = L - 1; l >= 0; l--) {
    const a = acts.layers[l];
    const residual = l > 0 ? acts.layers[l - 1].residual3 : acts.encoded;
    residualBackward(dres2, dbranch, dres, BT * C);
    matmulBackward(dfchGelu, layerSlice(g.fcprojw, l, 4 * C * C), layerSlice(g.fcprojb, l, C), dbranch, a.fchGelu, layerSlice(p.fcprojw, l, 4 * C * C), B, T, 4 * C, C);
    geluBackward(dfch, dfchGelu, a.fch, BT * 4 * C);
    matmulBackward(dln, layerSlice(g.fcw, l, 4 * C * C), layerSlice(g.fcb, l, 4 * C), dfch, a.ln2, layerSlice(p.fcw, l, 4 * C * C), B, T, C, 4 * C);
    layernormBackward(dtmp, layerSlice(g.ln2w, l, C), layerSlice(g.ln2b, l, C), dln, a.residual2, layerSlice(p.ln2w, l, C), a.ln2Mean, a.ln2Rstd, B, T, C);
    fanOutBackward(dres2, dtmp, BT * C);
    residualBackward(dres, dbranch, dres2, BT * C); // dres now holds d(residual) of this block's input
    matmulBackward(datty, layerSlice(g.attprojw, l, C * C), layerSlice(g.attprojb, l, C), dbranch, a.atty, layerSlice(p.attprojw, l, C * C), B, T, C, C);
    attentionBackward(dqkv, dpreatt, datt, datty, a.qkv, a.att, B, T, C, NH);
    matmulBackward(dln, layerSlice(g.qkvw, l, 3 * C * C), layerSlice(g.qkvb, l, 3 * C), dqkv, a.ln1, layerSlice(p.qkvw, l, 3 * C * C), B, T, C, 3 * C);
    layernormBackward(dtmp, layerSlice(g.ln1w, l, C), layerSlice(g.ln1b, l, C), dln, residual, layerSlice(p.ln1w, l, C), a.ln1Mean, a.ln1Rstd, B, T, C);
    fanOutBackward(dres, dtmp, BT * C);
  }
  encoderBackward(g.wte, g.wpe, dres, inputs, B, T, C);
}

