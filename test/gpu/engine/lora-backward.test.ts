// The WebGPU training pass of a Llama-family base with LoRA adapters (src/engine/lora/loraModel.ts
// over src/engine/gpu/llamaPass.ts) against the float64 CPU reference (src/engine/cpu/llamaTrain.ts,
// itself checked against central differences and torch in test/unit/engine/lora/): log-probs and
// entropies of the forward, the gradient of every adapter matrix of all seven targets, on the
// four standard tiny configurations with F32 / F16 / BF16 base weights, the LM head in ragged
// vocabulary chunks; gradients accumulate and zeroGrad clears them.
import { afterAll, describe, expect, it } from 'vitest';
import { forceKernelProfile } from '../../../src/gpu/adapterProfile.ts';
import { llamaTrainBackward, llamaTrainForward } from '../../../src/engine/cpu/llamaTrain.ts';
import { LORA_TARGETS } from '../../../src/engine/lora/loraConfig.ts';
import { LlamaLoraModel } from '../../../src/engine/lora/loraModel.ts';
import { Rng } from '../../../src/sampling/rng.ts';
import { tinyLlama, type TinyLlamaName } from '../../util/tinyLlama.ts';
import { randomAdapters } from '../../util/tinyLlamaLora.ts';
import { gpu, randomArray, randomIds, relNormErr } from './helpers.ts';
import { gpuBaseOf } from './loraHelpers.ts';

const B = 2, T = 6;
const CASES: [TinyLlamaName, 'F32' | 'F16' | 'BF16', 'software' | 'hardware', number | undefined][] = [
  ['llama-gqa', 'F32', 'software', 37], ['qwen2-bias-tied', 'BF16', 'software', 37], ['qwen3-qknorm', 'F16', 'software', 37], ['llama3-rope', 'BF16', 'software', 37],
  // the real-GPU kernels (tiled matmul, workgroup RMSNorm, …) forced on SwiftShader; the head in one chunk
  ['qwen3-qknorm', 'BF16', 'hardware', undefined],
];
const cleanup: (() => void)[] = [];
afterAll(() => { for (const f of cleanup) f(); });

describe('LoRA training pass on the GPU vs the float64 CPU reference', () => {
  for (const [name, dtype, profile, vocabChunk] of CASES) {
    it(`${name} (${dtype} base, ${profile} kernels): log-probs, entropies, every adapter gradient; head chunks of ${vocabChunk ?? 'V'} columns`, async () => {
      const ctx = await gpu();
      forceKernelProfile(ctx, profile);
      cleanup.push(() => forceKernelProfile(ctx, null));
      const base = gpuBaseOf(ctx, tinyLlama({ name, dtype, seed: 4 }).folder);
      cleanup.push(() => base.weights.destroy());
      const lora = { r: 2, lora_alpha: 3, lora_dropout: 0, target_modules: [...LORA_TARGETS] };
      const model = await LlamaLoraModel.create(ctx, base, lora, { maxSeqLen: 8, maxBatchTokens: 16, vocabChunk, maxInferenceRows: 16 });
      cleanup.push(() => model.dispose());
      const params = randomAdapters(model.layout, 6);
      await model.setParams(params);
      const rng = new Rng(9);
      const inputs = randomIds(B * T, base.config.vocabSize, rng);
      const targets = randomIds(B * T, base.config.vocabSize, rng);
      targets[3] = -1;
      targets[10] = -1;
      const dlogp = Float32Array.from(randomArray(B * T, rng));

      model.zeroGrad();
      const out = await model.forward(inputs, targets, B, T);
      await model.backward(dlogp);
      const g = await model.getGrads();

      const cpuLora = { layout: model.layout, params: Float64Array.from(params) };
      const rec = llamaTrainForward(base.config, base.cpu, cpuLora, inputs, targets, B, T);
      const want = new Float64Array(model.layout.total);
      llamaTrainBackward(base.config, base.cpu, cpuLora, rec, targets, dlogp, want);

      const lpErr = Math.max(...Array.from(out.logProbs, (x, i) => Math.abs(x - rec.logp[i])));
      const entErr = Math.max(...Array.from(out.entropy, (x, i) => Math.abs(x - rec.entropy[i])));
      expect(lpErr, 'log-probs').toBeLessThan(1e-4);
      expect(entErr, 'entropies').toBeLessThan(1e-4);
      expect(out.logProbs[3]).toBe(0);
      let worst = 0;
      const r = model.layout.r;
      for (const s of model.layout.slots) {
        for (const [what, lo, hi] of [['A', s.a, s.b], ['B', s.b, s.b + s.outW * r]] as const) {
          const e = relNormErr(g, want, lo, hi);
          expect(e, `${s.layer}:${s.target} ${what}`).toBeLessThan(1e-3);
          expect(relNormErr(new Float64Array(hi), want, lo, hi), `${s.layer}:${s.target} ${what} not vacuous`).toBe(1);
          worst = Math.max(worst, e);
        }
      }
      console.log(`${name} ${dtype} ${profile}: |Δlogp| ${lpErr.toExponential(2)}, |Δentropy| ${entErr.toExponential(2)}, worst per-matrix gradient error ${worst.toExponential(2)}`);

      // accumulation across backward calls, and zeroGrad
      await model.backward(dlogp);
      expect(relNormErr(await model.getGrads(), g.map((x) => 2 * x))).toBeLessThan(1e-6);
      model.zeroGrad();
      expect((await model.getGrads()).every((x) => x === 0)).toBe(true);
    });
  }
});
