// The bundled toy Llama's folder (public/models/toy-llama-verbose/, written by `npm run train:toy --
// --arch llama`) is a Llama-family repository the engine opens: config.json parses to the
// architecture its recipe names, the safetensors hold exactly the tensors that config needs (F32),
// the files the app fetches fit the 20 MB bundle budget, and eval.json describes these weights.
import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { llamaConfigFromHf } from '../../../../src/engine/hf/hfConfig.ts';
import { repoBackends } from '../../../../src/engine/hf/repoFiles.ts';
import { parseSafetensors } from '../../../../src/engine/hf/safetensorsHeader.ts';
import { llamaTensorShapes } from '../../../../src/engine/llamaConfig.ts';
import { ANSWER_MARKER } from '../../../../src/task/format.ts';
import { BOS_ID, EOS_ID } from '../../../../src/task/vocab.ts';
import { REGIME_LLAMA_MODEL_DIR, REGIME_MIX } from '../../../../src/task/regime.ts';
import { toyLlamaConfigJson, type ToyLlamaSpec } from '../../../../scripts/train-toy/llamaSpec.ts';

const dir = new URL(`../../../../public/${REGIME_LLAMA_MODEL_DIR.verbose}/`, import.meta.url);
const read = (f: string) => readFileSync(new URL(f, dir));
const json = (f: string) => JSON.parse(read(f).toString('utf8')) as Record<string, unknown>;
/** What the app fetches (src/worker/llmAdapter.ts BUNDLED_LLAMA_FILES); eval.json and the logs are not precached. */
const FILES = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'model.safetensors'];

describe('public/models/toy-llama-verbose', () => {
  const config = json('config.json');
  const evalJson = json('eval.json') as { spec: ToyLlamaSpec; training: { steps: number }; greedy: { n: number }; sampled: { n: number } | null };

  it('config.json is the LlamaForCausalLM its recipe names, with the toy probe and special ids', () => {
    expect(config).toEqual(toyLlamaConfigJson(evalJson.spec.llama));
    expect(config).toMatchObject({ model_type: 'llama', repro_probe: ANSWER_MARKER, bos_token_id: BOS_ID, eos_token_id: EOS_ID, tie_word_embeddings: true });
    expect(json('generation_config.json')).toMatchObject({ bos_token_id: BOS_ID, eos_token_id: EOS_ID });
    const c = llamaConfigFromHf(config);
    expect(c).toMatchObject({ family: 'llama', vocabSize: 50, blockSize: 128, nHead: 4, nKvHead: 2, qkvBias: false, qkNorm: false, ropeScaling: null });
    // the engine opens it; there is no ONNX export for ONNX Runtime
    const b = repoBackends(FILES, config);
    expect(b.engine.ok).toBe(true);
    expect(b.ort).toBe(false);
  });

  it('model.safetensors holds exactly the tensors the config needs, F32, and the run recipe', () => {
    const bytes = new Uint8Array(read('model.safetensors'));
    const h = parseSafetensors(bytes, 'model.safetensors');
    const want = llamaTensorShapes(llamaConfigFromHf(config));
    expect(new Map(h.tensors.map((t) => [t.name, t.shape]))).toEqual(want);
    expect(new Set(h.tensors.map((t) => t.dtype))).toEqual(new Set(['F32']));
    const recipe = JSON.parse(h.metadata.recipe) as ToyLlamaSpec;
    expect(recipe).toEqual(evalJson.spec);
    expect(recipe.sft.mix).toEqual({ ...REGIME_MIX.verbose });
    expect(Number(h.metadata.sft_steps)).toBe(recipe.sft.steps);
    expect(evalJson.training.steps).toBe(recipe.sft.steps);
    expect(evalJson.greedy.n).toBe(recipe.evalProblems);
    if (evalJson.sampled) expect(evalJson.sampled.n).toBe(recipe.evalProblems);
  });

  it('the files the app loads fit in 20 MB', () => {
    const total = FILES.reduce((n, f) => n + statSync(new URL(f, dir)).size, 0);
    expect(total).toBeLessThanOrEqual(20 * 1024 * 1024);
  });
});
