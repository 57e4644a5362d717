// An onnxruntime-genai model-builder export (test/fixtures/onnx/modelBuilderDecoder.ts: fp16 I/O and
// weights, com.microsoft MultiHeadAttention / RotaryEmbedding / (Skip)SimplifiedLayerNormalization,
// the attention-mask reformat subgraph whose Expand fails for several tokens after a cache, weights
// in model.onnx.data, genai_config.json instead of config.json, the Llama 2 SentencePiece
// tokenizer with Llama-2-chat's template) loaded by hub id through the routed fake hub. The graph
// itself refuses several tokens after a cache, so the scorer must find the one-token path; J from
// that path equals J from re-encoding every prefix, and greedy generation through the KV cache
// equals greedy decoding by re-encoding. The builder's GroupQueryAttention variant (seqlens_k /
// total_sequence_length from the mask) takes several tokens after a cache, but not in a batch.
import { expect, test } from 'vitest';
import { OrtLanguageModel } from '../../../src/llm/ort/ortLanguageModel.ts';
import { scoringPath } from '../../../src/llm/scoringPath.ts';
import { probeBatching } from '../../../src/llm/scorer/scoreTrajectory.ts';
import { formPromptIds } from '../../../src/llm/promptIds.ts';
import { liveGpuTensorCount } from '../../../src/llm/ort/ortRuntime.ts';
import { BUILDER_EXTERNAL_DATA, buildModelBuilderDecoder, type ModelBuilderOptions } from '../../fixtures/onnx/modelBuilderDecoder.ts';
import { LLAMA2_VOCAB, llama2TokenizerFiles } from '../../fixtures/onnx/npmTokenizers.ts';
import { BYTE_TOKENIZER_SIZE, byteTokenizerFiles } from '../../fixtures/onnx/byteTokenizer.ts';
import { fakeHub } from '../../fixtures/onnx/fakeHub.ts';
import type { ModelFolder } from '../../fixtures/onnx/modelFolder.ts';
import { expectGreedyEqualsReencoding, expectSameJ } from './exporterChecks.ts';

const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
// Llama 2 chat's template (meta-llama/Llama-2-7b-chat-hf, one user turn): it writes <s> itself.
const LLAMA2_TEMPLATE = "{% for message in messages %}{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + message['content'].strip() + ' [/INST]' }}{% endif %}{% endfor %}";

/** The builder's output folder: model.onnx + model.onnx.data + genai_config.json + tokenizer files, no config.json. */
function builderFolder(o: ModelBuilderOptions, tokenizer: ModelFolder): ModelFolder {
  const built = buildModelBuilderDecoder(o);
  const folder: ModelFolder = new Map(tokenizer);
  folder.set('genai_config.json', enc(built.genaiConfig));
  folder.set('model.onnx', built.model);
  folder.set(BUILDER_EXTERNAL_DATA, built.externalData);
  return folder;
}

const input = { question: 'What is 6 × 7?', answer: '42' };
// How each EP words the failing Expand: WASM (CPU kernels) and WebGPU (JSEP's own check).
const EXPAND = {
  wasm: /Expand node\. Name:'\/model\/attn_mask_reformat\/attn_mask_subgraph\/Expand' Status Message: invalid expand shape/,
  webgpu: /Kernel "\[Expand\] \/model\/attn_mask_reformat\/attn_mask_subgraph\/Expand" failed\. Error: Expand requires shape to be broadcastable to input/,
};

test('model builder, fp16 I/O, Llama tokenizer: by hub id, WASM fallback stated, one-token scoring path, J = re-encoding, generation = re-encoding', async () => {
  const tokenizer = new Map(await llama2TokenizerFiles());
  const tc = JSON.parse(new TextDecoder().decode(tokenizer.get('tokenizer_config.json'))) as Record<string, unknown>;
  tokenizer.set('tokenizer_config.json', enc({ ...tc, chat_template: LLAMA2_TEMPLATE }));
  const folder = builderFolder({ vocabSize: LLAMA2_VOCAB, hidden: 16, numLayers: 2, numHeads: 2, seed: 4, bosTokenId: 1, eosTokenId: 2 }, tokenizer);
  const hub = fakeHub({ 'test-org/tiny-llama-genai-fp16': { folder } });
  const m = await OrtLanguageModel.load({ kind: 'hub', id: 'test-org/tiny-llama-genai-fp16' }, { fetchImpl: hub.fetchImpl, useCache: false });
  try {
    expect(m.info.weightsPath).toBe('model.onnx');
    expect(hub.served.get('test-org/tiny-llama-genai-fp16')).toEqual(expect.arrayContaining(['genai_config.json', 'model.onnx', BUILDER_EXTERNAL_DATA]));
    expect(hub.requests.some((u) => u.endsWith('/config.json'))).toBe(false); // not in the listing: not probed
    expect([m.io.kvDtype, m.io.logitsDtype]).toEqual(['float16', 'float16']);
    expect([m.info.numLayers, m.io.kvHeads, m.io.headDim, m.info.vocabSize]).toEqual([2, 2, 8, LLAMA2_VOCAB]);
    expect(m.info.eosIds).toEqual([2]); // from genai_config.json
    expect(m.info.contextLength).toBe(256);
    const gpu = typeof navigator !== 'undefined' && navigator.gpu ? await navigator.gpu.requestAdapter() : null;
    if (gpu && !gpu.features.has('shader-f16')) {
      // SwiftShader: no shader-f16, so ORT's WebGPU kernels cannot take the float16 graph.
      expect(m.info.backend).toBe('wasm');
      expect(m.info.backendNote).toMatch(/^model\.onnx has float16 inputs\/outputs, but this WebGPU adapter lacks the shader-f16 feature; running on WASM/);
    }

    const path = await scoringPath(m);
    expect(path.path).toBe('one-token');
    expect(path.reason).toMatch(EXPAND[m.info.backend]);
    expect(path.note).toMatch(/^one token at a time/);

    // One prompt-ids function for generation and scoring: the template's <s>, once.
    const prompt = m.formatPrompt(input.question);
    expect(prompt).toBe('<s>[INST] What is 6 × 7? [/INST]');
    const promptIds = formPromptIds(m.tokenizer, prompt);
    expect(promptIds.filter((id) => id === 1)).toEqual([1]);
    const generated = await expectGreedyEqualsReencoding(m, promptIds, 10);

    const cot = `${m.tokenizer.decode(generated)}\n\nSix sevens.\n\nThat is 42.`;
    // The graph computes in float16 (logits included): the cached and re-encoded passes round to
    // neighbouring halves, whose spacing is 2⁻⁸ ≈ 4e-3 for logits in [2, 4). Its fp32 twin below
    // holds the same graph to 1e-4.
    await expectSameJ(m, { ...input, cot }, 5e-3);
    expect(liveGpuTensorCount()).toBe(0);
  } finally {
    await m.dispose();
  }
});

test('model builder, fp32 I/O (-p fp32): the same contrib ops on the WebGPU EP where there is an adapter, one-token path, J = re-encoding', async () => {
  const folder = builderFolder({ vocabSize: BYTE_TOKENIZER_SIZE, hidden: 16, numLayers: 2, numHeads: 2, ioDtype: 'float32', seed: 9 }, byteTokenizerFiles());
  const hub = fakeHub({ 'test-org/tiny-genai-fp32': { folder } });
  const m = await OrtLanguageModel.load({ kind: 'hub', id: 'test-org/tiny-genai-fp32' }, { fetchImpl: hub.fetchImpl, useCache: false });
  try {
    const gpu = typeof navigator !== 'undefined' && navigator.gpu ? await navigator.gpu.requestAdapter() : null;
    expect(m.info.backend).toBe(gpu ? 'webgpu' : 'wasm');
    expect(m.info.backendNote).toBeUndefined();
    const path = await scoringPath(m);

    expect(path.path).toBe('one-token');
    expect(path.reason).toMatch(EXPAND[m.info.backend]);
    const promptIds = formPromptIds(m.tokenizer, m.formatPrompt(input.question));
    const generated = await expectGreedyEqualsReencoding(m, promptIds, 6);
    await expectSameJ(m, { ...input, cot: `${m.tokenizer.decode(generated)}\n\nSix sevens.\n\nThat is 42.` }, 1e-4);
    expect(liveGpuTensorCount()).toBe(0);
  } finally {
    await m.dispose();
  }
});

test('model builder, GroupQueryAttention path (2 kv heads for 4, seqlens_k / total_sequence_length from the mask): several tokens after a cache work, batched probes fall back to branching, J = re-encoding', async () => {
  const folder = builderFolder({ vocabSize: BYTE_TOKENIZER_SIZE, hidden: 32, numLayers: 2, numHeads: 4, attention: 'gqa', numKvHeads: 2, seed: 13 }, byteTokenizerFiles());
  const hub = fakeHub({ 'test-org/tiny-genai-gqa': { folder } });
  const m = await OrtLanguageModel.load({ kind: 'hub', id: 'test-org/tiny-genai-gqa' }, { fetchImpl: hub.fetchImpl, useCache: false });
  try {
    expect([m.io.kvHeads, m.io.headDim, m.io.kvDtype]).toEqual([2, 8, 'float16']);
    expect((await scoringPath(m)).path).toBe('cached');
    const promptIds = formPromptIds(m.tokenizer, m.formatPrompt(input.question));
    const generated = await expectGreedyEqualsReencoding(m, promptIds, 6);
    await expectSameJ(m, { ...input, cot: `${m.tokenizer.decode(generated)}\n\nSix sevens.\n\nThat is 42.` }, 5e-3);
    // GQA (CPU kernel) refuses a batch of several tokens after a past ("batch_size must be 1 when
    // sequence_length > 1 and past context is given"): the batched probes fail on first use and the
    // scorer branches one probe per boundary instead.
    if (m.info.backend === 'wasm') expect(probeBatching(m)).toBe(false);
    else expect(typeof probeBatching(m)).toBe('boolean'); // checked once, whichever way
    expect(liveGpuTensorCount()).toBe(0);
  } finally {
    await m.dispose();
  }
});
