// Base + LoRA adapter in float64 for tests: the base's safetensors decoded, every adapted weight
// W [out, in] replaced by W + s·B·A summed here in float64 (k-outer loop, not the merge code's),
// then the float64 CPU reference forward (src/engine/cpu/forward.ts). By linearity this is the
// unmerged model x·Wᵀ + s·(x·Aᵀ)·Bᵀ, with no rounding of the merged weights to the file's dtype.
import { cpuForwardLogits } from '../../src/engine/cpu/forward.ts';
import { decodeSafetensors, llamaCpuWeights } from '../../src/engine/hf/llamaCpuWeights.ts';
import type { LlamaConfig } from '../../src/engine/llamaConfig.ts';
import type { LoraLayout } from '../../src/engine/lora/loraLayout.ts';
import { baseWeightName } from '../../src/engine/lora/peftNames.ts';
import { Rng } from '../../src/sampling/rng.ts';

/** A and B both random (B is zero at PEFT's init, which would make any adapter test vacuous): N(0, scale²). */
export function randomAdapter(layout: LoraLayout, seed: number, scale = 0.2): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: layout.total }, () => scale * rng.normal());
}

/** log p(ids[t+1] | ids[..t]) of every t under base + adapter (params = null: the base alone), float64. */
export function adaptedLogprobs(config: LlamaConfig, baseFiles: ReadonlyMap<string, Uint8Array>, layout: LoraLayout, params: Float32Array | null, ids: number[]): number[] {
  const tensors = decodeSafetensors([...baseFiles].filter(([p]) => p.endsWith('.safetensors')).map(([, b]) => b));
  if (params) {
    const r = layout.r, s = layout.scaling;
    for (const slot of layout.slots) {
      const w = tensors.get(baseWeightName(slot.layer, slot.target))!;
      for (let k = 0; k < r; k++) {
        for (let o = 0; o < slot.outW; o++) {
          const b = params[slot.b + o * r + k];
          for (let i = 0; i < slot.inW; i++) w[o * slot.inW + i] += s * b * params[slot.a + k * slot.inW + i];
        }
      }
    }
  }
  const logits = cpuForwardLogits(config, llamaCpuWeights(config, tensors), ids.slice(0, -1));
  const V = config.vocabSize;
  return ids.slice(1).map((id, t) => {
    const row = logits.subarray(t * V, (t + 1) * V);
    const m = Math.max(...row);
    return row[id] - m - Math.log(row.reduce((z, x) => z + Math.exp(x - m), 0));
  });
}
