// The float64 CPU reference of the Llama training pass with LoRA (src/engine/cpu/llamaTrain.ts):
// adapter gradients against central finite differences on EVERY adapter element of all seven
// targets, on the four standard tiny configurations (GQA 4/2 untied; q/k/v bias + tied; q/k norm
// with head_dim ≠ C/NH; Llama-3 rope), for L = Σ dlogp · logp with masked targets; and the
// training forward equals the inference reference (cpuForwardLogits) sequence by sequence.
import { describe, expect, it } from 'vitest';
import { llamaTrainBackward, llamaTrainForward } from '../../../../src/engine/cpu/llamaTrain.ts';
import { cpuForwardLogits } from '../../../../src/engine/cpu/forward.ts';
import { LORA_TARGETS } from '../../../../src/engine/lora/loraConfig.ts';
import { loraLayout } from '../../../../src/engine/lora/loraLayout.ts';
import { Rng } from '../../../../src/sampling/rng.ts';
import { engineTinyLlama, randomAdapters } from '../../../util/tinyLlamaLora.ts';
import { randomArray, randomIds, relErr } from '../fixtures.ts';
import type { TinyLlamaName } from '../../../util/tinyLlama.ts';

const B = 2;
const T = 5;
const CASES: [TinyLlamaName, 'F32' | 'BF16'][] = [['llama-gqa', 'F32'], ['qwen2-bias-tied', 'BF16'], ['qwen3-qknorm', 'F32'], ['llama3-rope', 'BF16']];

describe('CPU LoRA training pass vs central finite differences (float64)', () => {
  for (const [name, dtype] of CASES) {
    it(`${name} (${dtype}): every adapter element of all seven targets, relative error ≤ 1e-5`, () => {
      const { config, cpu } = engineTinyLlama({ name, dtype, seed: 3 });
      const layout = loraLayout(config, { r: 2, lora_alpha: 3, lora_dropout: 0, target_modules: [...LORA_TARGETS] });
      const params = Float64Array.from(randomAdapters(layout, 4));
      const lora = { layout, params };
      const rng = new Rng(5);
      const inputs = randomIds(B * T, config.vocabSize, rng);
      const targets = randomIds(B * T, config.vocabSize, rng);
      targets[2] = -1;
      targets[7] = -1;
      const dlogp = randomArray(B * T, rng);
      const loss = () => {
        const { logp } = llamaTrainForward(config, cpu, lora, inputs, targets, B, T);
        return logp.reduce((s, x, i) => s + dlogp[i] * x, 0);
      };
      const rec = llamaTrainForward(config, cpu, lora, inputs, targets, B, T);
      const grads = new Float64Array(layout.total);
      llamaTrainBackward(config, cpu, lora, rec, targets, dlogp, grads);
      const h = 3e-5; // between float64 round-off (L ≈ 20) and truncation (large random weights)
      let worst = 0, big = 0;
      for (let i = 0; i < layout.total; i++) {
        const saved = params[i];
        params[i] = saved + h;
        const lp = loss();
        params[i] = saved - h;
        const lm = loss();
        params[i] = saved;
        const numeric = (lp - lm) / (2 * h);
        const err = relErr(grads[i], numeric);
        if (err > 1e-5) throw new Error(`adapter element ${i}: analytic ${grads[i]} vs numeric ${numeric} (rel ${err})`);
        worst = Math.max(worst, err);
        if (Math.abs(grads[i]) > 1e-3) big++;
      }
      console.log(`${name} ${dtype}: ${layout.total} adapter elements, worst relative error vs FD ${worst.toExponential(2)}`);
      expect(big).toBeGreaterThan(layout.total / 2); // not vacuous
      // every slot's A and B got gradient
      for (const s of layout.slots) {
        expect(grads.subarray(s.a, s.b).some((x) => Math.abs(x) > 1e-4), `${s.layer}:${s.target} A`).toBe(true);
        expect(grads.subarray(s.b, s.b + s.outW * layout.r).some((x) => Math.abs(x) > 1e-4), `${s.layer}:${s.target} B`).toBe(true);
      }
      // the batched training forward = the one-sequence inference reference, row by row
      const V = config.vocabSize;
      for (let b = 0; b < B; b++) {
        const logits = cpuForwardLogits(config, cpu, Array.from(inputs.subarray(b * T, (b + 1) * T)), lora);
        for (let k = 0; k < T * V; k++) expect(Math.abs(logits[k] - rec.logits[b * T * V + k])).toBeLessThan(1e-12);
      }
    }, 60_000);
  }

  it('adapters with B = 0 leave the base model exactly', () => {
    const { config, cpu } = engineTinyLlama({ name: 'qwen3-qknorm', seed: 3 });
    const layout = loraLayout(config, { r: 4, lora_alpha: 8, lora_dropout: 0, target_modules: [...LORA_TARGETS] });
    const params = Float64Array.from(randomAdapters(layout, 4));
    for (const s of layout.slots) params.fill(0, s.b, s.b + s.outW * layout.r);
    const ids = [3, 9, 27, 81, 5, 15];
    expect(cpuForwardLogits(config, cpu, ids, { layout, params })).toEqual(cpuForwardLogits(config, cpu, ids));
  });
});
