// Full fine-tuning on the WebGPU engine (src/engine/full/fullModel.ts over src/engine/gpu/llamaPass.ts
// with every weight's gradient) against the float64 CPU reference (src/engine/cpu/llamaTrain.ts with
// `dw`, itself checked against torch autograd in test/unit/engine/full/): on Qwen3 with GQA 4 / 2,
// q/k/v/o bias and q/k norm (BF16 base, software kernels, the LM head in ragged chunks of 37) and
// Qwen2 with a tied embedding (F32 base, the hardware kernels forced on SwiftShader):
// - the trained weights start as the base decoded to f32 (exactly);
// - log-probs and the gradient of every tensor (embedding, head, every linear and bias, every norm);
// - one AdamW step over all of them (decay on the matrices only) = the CPU AdamW from the same gradients;
// - after it, referenceForward is still the base (CPU), forward has moved, and greedy sampling
//   follows the CPU forward of the updated weights.
import { afterAll, describe, expect, it } from 'vitest';
import { forceKernelProfile } from '../../../src/gpu/adapterProfile.ts';
import { adamwStep } from '../../../src/engine/cpu/adamw.ts';
import { cpuForwardLogits, type CpuWeights } from '../../../src/engine/cpu/forward.ts';
import { llamaTrainBackward, llamaTrainForward } from '../../../src/engine/cpu/llamaTrain.ts';
import { fullCpuView, type FullLayout } from '../../../src/engine/full/fullLayout.ts';
import { LlamaFullModel } from '../../../src/engine/full/fullModel.ts';
import { Rng } from '../../../src/sampling/rng.ts';
import { tinyLlama, type TinyLlamaSpec } from '../../util/tinyLlama.ts';
import { gpu, randomArray, randomIds, relNormErr } from '../engine/helpers.ts';
import { gpuBaseOf } from '../engine/loraHelpers.ts';

const B = 2, T = 6;
const CASES: [TinyLlamaSpec, 'software' | 'hardware', number | undefined][] = [
  [{ name: 'qwen3-qknorm', dtype: 'BF16', seed: 4, override: { attention_bias: true } }, 'software', 37],
  [{ name: 'qwen2-bias-tied', dtype: 'F32', seed: 4 }, 'hardware', undefined],
];
const ADAMW = { learningRate: 1e-2, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.5, gradClip: 1 };
const cleanup: (() => void)[] = [];
afterAll(() => { for (const f of cleanup) f(); });

/** The CPU weights of a base as one flat float64 vector in the full layout. */
function flatOf(layout: FullLayout, w: CpuWeights): Float64Array {
  const flat = new Float64Array(layout.total);
  for (const t of layout.tensors) {
    const src = t.param ? w.layer(t.layer, t.param) : t.name === 'embed' ? w.embed : t.name === 'head' ? w.head : w.finalNormW;
    flat.set(src, t.off);
  }
  return flat;
}

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (x, i) => Math.abs(x - b[i])));

describe('full fine-tuning on the GPU vs the float64 CPU reference', () => {
  for (const [spec, profile, vocabChunk] of CASES) {
    it(`${spec.name} (${spec.dtype} base, ${profile} kernels, head chunks of ${vocabChunk ?? 'V'}): every weight's gradient, one AdamW step`, async () => {
      const ctx = await gpu();
      forceKernelProfile(ctx, profile);
      cleanup.push(() => forceKernelProfile(ctx, null));
      const base = gpuBaseOf(ctx, tinyLlama(spec).folder);
      cleanup.push(() => base.weights.destroy());
      const model = await LlamaFullModel.create(ctx, base, { maxSeqLen: 8, maxBatchTokens: 16, vocabChunk, maxInferenceRows: 16 });
      cleanup.push(() => model.dispose());
      const c = base.config, layout = model.layout;
      const start = flatOf(layout, base.cpu);
      const p0 = await model.getParams();
      expect(maxAbs(p0, start), 'the trained weights start as the base, decoded').toBe(0);

      const rng = new Rng(9);
      const inputs = randomIds(B * T, c.vocabSize, rng);
      const targets = randomIds(B * T, c.vocabSize, rng);
      targets[3] = -1;
      const dlogp = Float32Array.from(randomArray(B * T, rng));
      model.zeroGrad();
      const out = await model.forward(inputs, targets, B, T);
      await model.backward(dlogp);
      const g = await model.getGrads();

      const want = new Float64Array(layout.total);
      const rec = llamaTrainForward(c, base.cpu, null, inputs, targets, B, T);
      llamaTrainBackward(c, base.cpu, null, rec, targets, dlogp, null, fullCpuView(layout, want));
      const lpErr = maxAbs(out.logProbs, rec.logp);
      expect(lpErr, 'log-probs').toBeLessThan(1e-4);
      let worst = 0;
      for (const t of layout.tensors) {
        const e = relNormErr(g, want, t.off, t.off + t.rows * t.cols);
        expect(e, t.name).toBeLessThan(1e-3);
        expect(relNormErr(new Float64Array(layout.total), want, t.off, t.off + t.rows * t.cols), `${t.name} not vacuous`).toBe(1);
        worst = Math.max(worst, e);
      }

      // AdamW over every weight, from the GPU's own gradients (the step is checked, not the gradients again)
      const r = await model.step(ADAMW);
      expect(r.skipped).toBe(false);
      const cpuP = Float64Array.from(p0);
      const mask = new Uint8Array(layout.total).fill(1, 0, layout.decayEnd);
      const cpuR = adamwStep(cpuP, Float64Array.from(g), { m: new Float64Array(layout.total), v: new Float64Array(layout.total), t: 0 }, mask, ADAMW);
      expect(Math.abs(r.gradNorm - cpuR.gradNorm) / cpuR.gradNorm).toBeLessThan(1e-4);
      const p1 = await model.getParams();
      const stepErr = maxAbs(p1, cpuP);
      expect(stepErr, 'AdamW step').toBeLessThan(1e-5);
      for (const t of layout.tensors) expect(maxAbs(p1.subarray(t.off, t.off + t.rows * t.cols), p0.subarray(t.off, t.off + t.rows * t.cols)), `${t.name} moved`).toBeGreaterThan(1e-3);

      // π_ref is the untouched base; the policy has moved; sampling runs the updated weights
      const ref = await model.referenceForward(inputs, targets, B, T);
      expect(maxAbs(ref.logProbs, rec.logp), 'reference = the base').toBeLessThan(1e-4);
      const moved = await model.forward(inputs, targets, B, T);
      expect(maxAbs(moved.logProbs, rec.logp), 'the policy moved').toBeGreaterThan(1e-2);
      const updated = fullCpuView(layout, Float64Array.from(p1));
      const prompt = Array.from(inputs.subarray(0, 3));
      const s = await model.sample([prompt], { maxNewTokens: 3, temperature: 0, topK: 0, topP: 1, seed: 1 });
      const seq = [...prompt];
      for (let k = 0; k < 3; k++) {
        const logits = cpuForwardLogits(c, updated, seq).subarray((seq.length - 1) * c.vocabSize, seq.length * c.vocabSize);
        seq.push(logits.indexOf(Math.max(...logits)));
      }
      expect(s.tokens[0], 'greedy tokens = the CPU argmax of the updated weights').toEqual(seq.slice(3));
      console.log(`${spec.name} ${spec.dtype} ${profile}: |Δlogp| ${lpErr.toExponential(2)}, worst per-tensor gradient error ${worst.toExponential(2)} (${layout.tensors.length} tensors, ${layout.total} weights), AdamW |Δθ| ${stepErr.toExponential(2)}`);
    });
  }
});
