// The pre-flight's formulas (src/engine/lora/preflightBuffers.ts) against independent counts on
// the four tiny Llama configurations (test/util/tinyLlama.ts), F32 / F16 / BF16:
// - weights: the engine's own loader (LlamaGpuWeightsBuilder) fed the tiny folders' safetensors
//   files, its buffers counted at a stand-in device (bench/suites/allocationMeter.ts);
// - adapters and AdamW: the tensors of the PEFT export (adapter_model.safetensors) of the layout;
// - KV cache: the engine's KvStore allocating the step's regions on the stand-in device (its growth
//   and the old layers live during the copy: the peak);
// - inference scratch: the engine's CachedInference and GpuSampler constructed on it;
// - training buffers: a walk of the block's declaration (src/engine/block.ts) as the training pass
//   sizes one recomputed layer — one buffer per activation the block writes, a gradient per one the
//   backward needs, rstd per norm, q/k pre-norm copies for Qwen3.
import { describe, expect, it } from 'vitest';
import { meterAllocations } from '../../../../bench/suites/allocationMeter.ts';
import { blockActWidths, blockSteps, type BlockAct } from '../../../../src/engine/block.ts';
import type { Recorder } from '../../../../src/engine/gpu/encoding.ts';
import type { EngineWeights } from '../../../../src/engine/gpu/weights.ts';
import { llamaConfigFromHf } from '../../../../src/engine/hf/hfConfig.ts';
import { parseSafetensors } from '../../../../src/engine/hf/safetensorsHeader.ts';
import type { GpuContext } from '../../../../src/gpu/device.ts';
import { LORA_TARGETS, type LoraTarget } from '../../../../src/engine/lora/loraConfig.ts';
import { initLoraParams, loraLayout } from '../../../../src/engine/lora/loraLayout.ts';
import { exportPeftAdapter } from '../../../../src/engine/lora/peftExport.ts';
import { kvRegions, memoryBuffers, type MemoryPart, type TrainMemorySettings } from '../../../../src/engine/lora/preflightBuffers.ts';
import { tinyLlama, TINY_LLAMA_CONFIGS, type TinyLlamaName } from '../../../util/tinyLlama.ts';

// The engine's GPU modules read WebGPU's flag constants at import time (src/gpu/buffers.ts); Node has
// none, and the stand-in device below ignores them, so the constants are enough.
Object.assign(globalThis, {
  GPUBufferUsage: { MAP_READ: 1, MAP_WRITE: 2, COPY_SRC: 4, COPY_DST: 8, INDEX: 16, VERTEX: 32, UNIFORM: 64, STORAGE: 128, INDIRECT: 256, QUERY_RESOLVE: 512 },
  GPUMapMode: { READ: 1, WRITE: 2 },
});
const { CachedInference } = await import('../../../../src/engine/gpu/inference.ts');
const { KvStore } = await import('../../../../src/engine/gpu/kvStore.ts');
const { GpuSampler } = await import('../../../../src/engine/gpu/layers/sample.ts');
const { LlamaGpuWeightsBuilder } = await import('../../../../src/engine/hf/llamaGpuWeights.ts');

/** Enough of a GPUDevice for the engine's constructors: buffers with a size, writes and copies that do nothing. */
function standInDevice(): GPUDevice {
  return {
    limits: { maxBufferSize: 2 ** 40, maxStorageBufferBindingSize: 2 ** 40 },
    createBuffer: (d: GPUBufferDescriptor) => ({ size: d.size, label: d.label ?? '', destroy() {} }),
    createCommandEncoder: () => ({ copyBufferToBuffer() {}, finish: () => ({}) }),
    queue: { writeBuffer() {}, submit() {} },
  } as unknown as GPUDevice;
}

const NAMES = (Object.keys(TINY_LLAMA_CONFIGS) as TinyLlamaName[]).filter((n) => n !== 'bench');
const TRAIN: TrainMemorySettings = { promptsPerStep: 3, numGenerations: 4, maxPromptTokens: 20, maxCompletionTokens: 44, critic: false, probeTokensPerSample: 30, inferenceRows: 96 };
const LORA = { r: 4, targets: [...LORA_TARGETS] as LoraTarget[] };

function partBytes(name: TinyLlamaName, dtype: 'F32' | 'F16' | 'BF16', part: MemoryPart, train = TRAIN): number {
  const c = llamaConfigFromHf(TINY_LLAMA_CONFIGS[name]);
  return memoryBuffers(c, dtype, LORA, train).filter((b) => b.part === part).reduce((s, b) => s + b.bytes * b.count, 0);
}

describe.each(NAMES)('%s', (name) => {
  const config = llamaConfigFromHf(TINY_LLAMA_CONFIGS[name]);

  it.each(['F32', 'F16', 'BF16'] as const)('weights (%s): what the engine\'s loader allocates for the folder\'s tensors', (dtype) => {
    const { folder } = tinyLlama({ name, dtype });
    const device = standInDevice();
    const meter = meterAllocations(device);
    const builder = new LlamaGpuWeightsBuilder(device, config);
    let fileBytes = 0;
    for (const [path, bytes] of folder) {
      if (!path.endsWith('.safetensors')) continue;
      const h = parseSafetensors(bytes, path);
      for (const t of h.tensors) {
        builder.add({ ...t, bytes: bytes.subarray(h.dataStart + t.begin, h.dataStart + t.end) });
        fileBytes += t.end - t.begin;
      }
    }
    builder.finish();
    meter.stop();
    expect(meter.peakBytes).toBeGreaterThan(fileBytes * (dtype === 'F32' ? 0.99 : 0.5)); // the count saw the weights
    expect(partBytes(name, dtype, 'weights')).toBe(meter.peakBytes);
  });

  it('adapters + gradients and AdamW m, v: the PEFT export\'s tensors', () => {
    const layout = loraLayout(config, { r: LORA.r, lora_alpha: 8, lora_dropout: 0, target_modules: LORA.targets });
    const { files } = exportPeftAdapter(layout, initLoraParams(layout, 1), { baseModel: name });
    const h = parseSafetensors(files.get('adapter_model.safetensors')!, 'adapter_model.safetensors');
    expect(h.tensors).toHaveLength(2 * 7 * config.nLayer);
    const f32Bytes = h.tensors.reduce((s, t) => s + (t.end - t.begin), 0);
    expect(partBytes(name, 'BF16', 'adapters')).toBe(2 * f32Bytes);
    expect(partBytes(name, 'BF16', 'optimizer')).toBe(2 * f32Bytes + 8);
  });

  it('KV cache: the engine\'s KvStore over the step\'s regions, at its peak', () => {
    for (const probe of [0, 30, 300]) {
      const train = { ...TRAIN, probeTokensPerSample: probe };
      const device = standInDevice();
      const meter = meterAllocations(device);
      const kv = new KvStore({ device } as GpuContext, config.nLayer, config.nKvHead * config.headDim);
      for (const rows of kvRegions(train, config.blockSize)) kv.allocate(rows);
      meter.stop();
      expect(kv.capacity).toBeGreaterThanOrEqual(3 * 19 + 12 * (64 + probe));
      expect(partBytes(name, 'BF16', 'kv', train), `probe ${probe}`).toBe(meter.peakBytes);
    }
  });

  it('inference scratch: the engine\'s CachedInference and GpuSampler, and the sampled logits', () => {
    const device = standInDevice();
    const meter = meterAllocations(device);
    const kv = new KvStore({ device } as GpuContext, config.nLayer, config.nKvHead * config.headDim);
    const inf = new CachedInference({ device } as GpuContext, config, {} as Recorder, {} as EngineWeights, kv, 96);
    const sampler = new GpuSampler(device, 96);
    meter.stop();
    expect(inf.maxRows).toBe(96);
    expect(sampler.maxRows).toBe(96);
    // + the sampled logits [P·G, V] f32 of a sampling call; + n·r·4: the LoRA u = x·Aᵀ scratch the
    // LoRA model's CachedInference adds (the lora branch's inference.ts), absent from this one
    const sampled = 12 * config.vocabSize * 4;
    expect(partBytes(name, 'BF16', 'inference')).toBe(meter.peakBytes + sampled + 96 * LORA.r * 4);
  });

  it('training buffers: one recomputed layer, the checkpoints and the head chunk, from the block\'s declaration', () => {
    const N = 12 * 64, T = 64, C = config.nEmbd, f = (n: number) => 4 * Math.max(1, n);
    const widths = blockActWidths(config);
    const adds = new Set(blockSteps(config).flatMap((s) => (s.op === 'residual' ? [s.add] : [])));
    let acts = 0;
    for (const [act, w] of Object.entries(widths) as [BlockAct, number][]) {
      if (w === 0 || act === 'residual' || act === 'residual3') continue;
      acts += f(N * w); // the activation
      if (act !== 'residual2' && !adds.has(act)) acts += f(N * w); // its gradient
    }
    for (const s of blockSteps(config)) {
      if (s.op === 'rmsnorm') acts += f(N);
      if (s.op === 'headnorm') acts += f(N * s.view.heads);
    }
    if (config.qkNorm) acts += 2 * f(N * widths.qkv); // qkv before the head norms, and its gradient
    acts += 4 * f(N); // tokens, positions, targets, dlogp
    acts += 2 * f(N * config.nHead * T); // attention softmax, its backward scratch
    acts += (7 + 1) * f(N * LORA.r); // u per target, du
    acts += 3 * f(N * C) + f(N); // dres; final norm, its rstd, its gradient
    acts += f(T * config.headDim); // the training pass's rotary table
    expect(partBytes(name, 'BF16', 'activations')).toBe(acts);
    expect(partBytes(name, 'BF16', 'checkpoints')).toBe((config.nLayer + 1) * f(N * C));
    const Vc = Math.min(config.vocabSize, Math.floor((32 << 20) / (N * 4)));
    expect(partBytes(name, 'BF16', 'headChunks')).toBe(f(N * Vc) + f(4 * N) + 3 * f(N));
  });
});
