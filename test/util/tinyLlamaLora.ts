// A tiny Llama-family model (test/util/tinyLlama.ts) as the engine sees it — LlamaConfig from its
// config.json, float64 CPU weights decoded from its safetensors — and random LoRA adapters for
// gradient tests (B ≠ 0, unlike a fresh adapter, so every gradient path carries signal).
import { llamaConfigFromHf } from '../../src/engine/hf/hfConfig.ts';
import { decodeSafetensors, llamaCpuWeights } from '../../src/engine/hf/llamaCpuWeights.ts';
import type { CpuWeights } from '../../src/engine/cpu/forward.ts';
import type { LlamaConfig } from '../../src/engine/llamaConfig.ts';
import type { LoraLayout } from '../../src/engine/lora/loraLayout.ts';
import type { ModelFolder } from '../fixtures/onnx/modelFolder.ts';
import { Rng } from '../../src/sampling/rng.ts';
import { TINY_LLAMA_CONFIGS, tinyLlama, tinyLlamaWeights, type HfConfig, type TinyLlama, type TinyLlamaName, type TinyLlamaSpec } from './tinyLlama.ts';
import { weightFiles, type SafetensorsDtype } from './safetensorsFile.ts';

export interface EngineTinyLlama { config: LlamaConfig; cpu: CpuWeights; model: TinyLlama }

/** The engine's view of a model folder: config and float64 weights (packed as the engine packs them). */
export function engineViewOf(folder: ModelFolder): { config: LlamaConfig; cpu: CpuWeights } {
  const config = llamaConfigFromHf(JSON.parse(new TextDecoder().decode(folder.get('config.json'))) as Record<string, unknown>);
  const files = [...folder].filter(([p]) => p.endsWith('.safetensors')).map(([, b]) => b);
  return { config, cpu: llamaCpuWeights(config, decodeSafetensors(files)) };
}

export function engineTinyLlama(spec: TinyLlamaSpec): EngineTinyLlama {
  const model = tinyLlama(spec);
  return { ...engineViewOf(model.folder), model };
}

/** Adapters with every A and B element ~ U(−scale, scale) from Rng(seed). */
export function randomAdapters(layout: LoraLayout, seed: number, scale = 0.3): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: layout.total }, () => scale * (2 * rng.uniform() - 1));
}

/**
 * A tiny random Llama whose vocabulary is the toy task's (src/task/vocab.ts, `vocabSize` ids), so
 * the trainer's toy task (its tokenizer) drives it: config.json and safetensors only, no tokenizer.
 */
export function toyVocabLlama(vocabSize: number, opts: { seed?: number; dtype?: SafetensorsDtype; positions?: number; name?: TinyLlamaName } = {}): ModelFolder {
  const cfg = { ...TINY_LLAMA_CONFIGS[opts.name ?? 'llama-gqa'], vocab_size: vocabSize, max_position_embeddings: opts.positions ?? 64 } as HfConfig;
  const dtype = opts.dtype ?? 'BF16';
  const folder: ModelFolder = new Map([['config.json', new TextEncoder().encode(JSON.stringify({ ...cfg, torch_dtype: dtype === 'BF16' ? 'bfloat16' : dtype === 'F16' ? 'float16' : 'float32' }))]]);
  for (const [path, bytes] of weightFiles(tinyLlamaWeights(cfg, opts.seed ?? 1), dtype)) folder.set(path, bytes);
  return folder;
}
