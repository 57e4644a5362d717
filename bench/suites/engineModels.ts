// What the engine suites share: tiny Llama-family models written the way the tests write them
// (test/util/tinyLlama.ts: config.json + seeded safetensors), opened on our engine and — through
// our ONNX export of the same weights (src/engine/onnx/llamaExport.ts) — on onnxruntime-web's
// WebGPU EP, both from picked files (the path a user takes).
import type { GpuContext } from '../../src/gpu/device.ts';
import { loadEngineModel } from '../../src/engine/lm/loadEngineModel.ts';
import type { EngineLanguageModel } from '../../src/engine/lm/engineLanguageModel.ts';
import { withLlamaOnnx } from '../../src/engine/onnx/llamaModelFolder.ts';
import type { LlamaExportOptions } from '../../src/engine/onnx/llamaExport.ts';
import { OrtLanguageModel } from '../../src/llm/ort/ortLanguageModel.ts';
import { generateWithCache } from '../../src/llm/generate.ts';
import type { GenerateCallbacks, LanguageModel, SamplingOptions } from '../../src/llm/types.ts';
import { asPickedFiles, type ModelFolder } from '../../test/fixtures/onnx/modelFolder.ts';
import { tinyLlama, type HfConfig, type TinyLlamaSpec } from '../../test/util/tinyLlama.ts';
import { tokenizerWithProbeWords } from './jTrajectoryInput.ts';

/** Text in one line for a detail: "4 layers × 256, 4/2 heads, I 704, V 32000, tied, F32". */
export function describeConfig(c: HfConfig, dtype = 'F32'): string {
  return `${c.model_type}: ${c.num_hidden_layers} layers × ${c.hidden_size}, ${c.num_attention_heads}/${c.num_key_value_heads} heads, I ${c.intermediate_size}, V ${c.vocab_size}, ${c.tie_word_embeddings ? 'tied' : 'untied'}, ${dtype}`;
}

/**
 * A tiny Llama's folder; `bytes`: the j-trajectory suite's byte-level tokenizer with the probe's
 * words (so the probe is ~9 tokens and the synthetic CoT ~500) in place of the family's own.
 */
export function benchLlamaFolder(spec: TinyLlamaSpec, tokenizer: 'own' | 'bytes' = 'own'): { folder: ModelFolder; config: HfConfig } {
  const m = tinyLlama(spec);
  const folder = new Map(m.folder);
  if (tokenizer === 'bytes') {
    const tok = tokenizerWithProbeWords();
    for (const [p, b] of tok) folder.set(p, b);
    const json = JSON.parse(new TextDecoder().decode(tok.get('tokenizer.json'))) as { added_tokens: { id: number; content: string }[] };
    const eos = json.added_tokens.find((t) => t.content === '<|im_end|>')!.id;
    const config = { ...m.config, bos_token_id: null, eos_token_id: eos };
    folder.set('config.json', new TextEncoder().encode(JSON.stringify(config)));
    folder.set('generation_config.json', new TextEncoder().encode(JSON.stringify({ eos_token_id: eos, do_sample: false })));
    return { folder, config };
  }
  return { folder, config: m.config };
}

export function openEngine(ctx: GpuContext, folder: ModelFolder, name: string): Promise<EngineLanguageModel> {
  return loadEngineModel(ctx, { kind: 'files', files: asPickedFiles(folder, name), name });
}

/** Our export of the folder's weights on ORT's WebGPU EP (refused if ORT falls back to WASM). */
export async function openOrt(folder: ModelFolder, name: string, variant: LlamaExportOptions): Promise<OrtLanguageModel> {
  const m = await OrtLanguageModel.load({ kind: 'files', files: asPickedFiles(withLlamaOnnx(folder, variant), name), name });
  if (m.info.backend !== 'webgpu') {
    await m.dispose();
    throw new Error(`${name}: ORT runs on ${m.info.backend}, not WebGPU (${m.backendNote})`);
  }
  return m;
}

/**
 * The model with no EOS ids, so greedy decoding runs exactly maxNewTokens steps (the app's
 * decoding loop, src/llm/generate.ts, with the model's own sampler when it has one).
 */
export function withoutEos(model: LanguageModel): LanguageModel {
  const view: LanguageModel = {
    info: { ...model.info, eosIds: [] }, tokenizer: model.tokenizer, device: model.device, defaultProbe: model.defaultProbe,
    formatPrompt: (q) => model.formatPrompt(q), emptyCache: () => model.emptyCache(), forward: (t, c) => model.forward(t, c),
    cachePrefix: model.cachePrefix && ((c, n) => model.cachePrefix!(c, n)),
    sampleLogitsRow: model.sampleLogitsRow && ((l, r, o, rng) => model.sampleLogitsRow!(l, r, o, rng)),
    generate: (ids: number[], o: SamplingOptions, cb?: GenerateCallbacks) => generateWithCache(view, ids, o, cb),
    dispose: () => model.dispose(),
  };
  return view;
}

export const GREEDY: Omit<SamplingOptions, 'maxNewTokens'> = { temperature: 0, topK: 0, topP: 1, seed: 1 };
