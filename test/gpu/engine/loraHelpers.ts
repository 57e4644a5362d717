// Browser-side helpers of the LoRA tests: a tiny Llama-family model's weights uploaded to the GPU
// straight from its safetensors (the same packing as the hub loader, src/engine/hf/llamaGpuWeights.ts),
// beside its float64 CPU view (test/util/tinyLlamaLora.ts).
import { LlamaGpuWeightsBuilder } from '../../../src/engine/hf/llamaGpuWeights.ts';
import { parseSafetensors } from '../../../src/engine/hf/safetensorsHeader.ts';
import type { GpuContext } from '../../../src/gpu/device.ts';
import type { LoraBase } from '../../../src/engine/lora/loraModel.ts';
import type { BufferWeights } from '../../../src/engine/gpu/weights.ts';
import type { ModelFolder } from '../../fixtures/onnx/modelFolder.ts';
import { engineViewOf } from '../../util/tinyLlamaLora.ts';
import type { CpuWeights } from '../../../src/engine/cpu/forward.ts';

/** The model's base on the GPU (weights at file precision) and its float64 CPU twin. */
export function gpuBaseOf(ctx: GpuContext, folder: ModelFolder): LoraBase & { cpu: CpuWeights; weights: BufferWeights } {
  const { config, cpu } = engineViewOf(folder);
  const builder = new LlamaGpuWeightsBuilder(ctx.device, config);
  for (const [path, bytes] of folder) {
    if (!path.endsWith('.safetensors')) continue;
    const h = parseSafetensors(bytes, path);
    for (const t of h.tensors) builder.add({ name: t.name, dtype: t.dtype, shape: t.shape, bytes: bytes.slice(h.dataStart + t.begin, h.dataStart + t.end) });
  }
  return { config, cpu, weights: builder.finish() };
}
