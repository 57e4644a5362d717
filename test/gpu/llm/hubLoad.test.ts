// Loading by hub id through a routed fake hub (tree API + resolve URLs): the listing decides the
// weight file (no 404 probing), fp16-only repositories load on an adapter without shader-f16 via
// the WASM fallback with the reason stated, exporter file names (q8 = _quantized, legacy merged
// decoder, root model.onnx), chat_template.jinja, a gated repository's token, a refused
// too-large model, cancel, and the per-model cache manager.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { OrtLanguageModel } from '../../../src/llm/ort/ortLanguageModel.ts';
import { ModelLoadError } from '../../../src/llm/hub/modelLoadError.ts';
import { clearCache } from '../../../src/llm/hub/modelFiles.ts';
import { deleteCachedModel, listCachedModels } from '../../../src/llm/hub/modelCache.ts';
import { readLogitsRow } from '../../../src/llm/logitsRow.ts';
import { buildTinyDecoder } from '../../fixtures/onnx/tinyDecoder.ts';
import { folderFetcher, modelFolder, type ModelFolder } from '../../fixtures/onnx/modelFolder.ts';
import { BYTE_TOKENIZER_SIZE, byteTokenizerFiles } from '../../fixtures/onnx/byteTokenizer.ts';
import { fakeHub } from '../../fixtures/onnx/fakeHub.ts';

const small = { vocabSize: BYTE_TOKENIZER_SIZE, hidden: 16, numLayers: 1, numHeads: 2, numKvHeads: 2, positionIds: true, seed: 11 };
const noF16 = async () => ({ ok: true as const, features: [] as string[] });

function renamed(folder: ModelFolder, from: string, to: string): ModelFolder {
  const f = new Map(folder);
  f.set(to, f.get(from)!);
  f.delete(from);
  return f;
}

async function logitsOf(m: OrtLanguageModel): Promise<Float32Array> {
  const r = await m.forward(m.tokenizer.encode('hub 12', { addSpecialTokens: false }), m.emptyCache());
  const row = await readLogitsRow(r.logits, 2, m.device);
  r.dispose();
  r.cache.dispose();
  return row;
}

beforeAll(async () => {
  await clearCache();
});
afterAll(async () => {
  await clearCache();
});

test('an fp16-only repository loads by hub id on an adapter without shader-f16: WASM, reason stated, same logits as the local folder', async () => {
  const fp16 = modelFolder(buildTinyDecoder({ ...small, kvDtype: 'float16', logitsDtype: 'float16' }), byteTokenizerFiles(), '_fp16');
  const hub = fakeHub({ 'org/fp16-only': { folder: fp16, pageSize: 3 } });
  const m = await OrtLanguageModel.load({ kind: 'hub', id: 'org/fp16-only' }, { fetchImpl: hub.fetchImpl, useCache: false, detectWebGpu: noF16 });
  try {
    expect(m.info.dtype).toBe('fp16');
    expect(m.info.weightsPath).toBe('onnx/model_fp16.onnx');
    expect(m.info.availableDtypes).toEqual(['fp16']);
    expect(m.info.backend).toBe('wasm');
    expect(m.info.backendNote).toMatch(/onnx\/model_fp16\.onnx has float16 inputs\/outputs, but this WebGPU adapter lacks the shader-f16 feature/);
    // Only listed files were asked for: no probing of q4 / fp32 names.
    expect(hub.requests.filter((u) => u.includes('/resolve/')).every((u) => fp16.has(u.split('/resolve/main/')[1]))).toBe(true);
    expect(hub.requests.filter((u) => u.includes('/api/models/')).length).toBeGreaterThan(1); // paged listing followed
    const local = await OrtLanguageModel.load({ kind: 'fetch', id: 'local', fetchFile: folderFetcher(fp16), files: [...fp16.keys()] }, { backend: 'wasm' });
    try {
      expect(await logitsOf(m)).toEqual(await logitsOf(local));
    } finally {
      await local.dispose();
    }
  } finally {
    await m.dispose();
  }
});

test('exporter names: q8 is onnx/model_quantized.onnx, a legacy decoder_model_merged.onnx and a root model.onnx load; chat_template.jinja is used', async () => {
  const base = modelFolder(buildTinyDecoder(small), byteTokenizerFiles());
  const tc = JSON.parse(new TextDecoder().decode(base.get('tokenizer_config.json'))) as Record<string, unknown>;
  delete tc.chat_template;
  const jinja = new Map(base);
  jinja.set('tokenizer_config.json', new TextEncoder().encode(JSON.stringify(tc)));
  jinja.set('chat_template.jinja', new TextEncoder().encode("{{ 'Q: ' + messages[0].content + '\\nA:' }}"));
  const hub = fakeHub({
    'org/q8': { folder: renamed(base, 'onnx/model.onnx', 'onnx/model_quantized.onnx') },
    'org/legacy': { folder: renamed(base, 'onnx/model.onnx', 'onnx/decoder_model_merged.onnx') },
    'org/builder': { folder: renamed(jinja, 'onnx/model.onnx', 'model.onnx') },
  });
  const opts = { fetchImpl: hub.fetchImpl, useCache: false, backend: 'wasm' as const };
  const q8 = await OrtLanguageModel.load({ kind: 'hub', id: 'org/q8' }, { ...opts, dtype: 'q8' });
  const legacy = await OrtLanguageModel.load({ kind: 'hub', id: 'org/legacy' }, opts);
  const builder = await OrtLanguageModel.load({ kind: 'hub', id: 'org/builder' }, opts);
  try {
    expect([q8.info.weightsPath, legacy.info.weightsPath, builder.info.weightsPath]).toEqual(['onnx/model_quantized.onnx', 'onnx/decoder_model_merged.onnx', 'model.onnx']);
    const expected = await logitsOf(q8);
    expect(await logitsOf(legacy)).toEqual(expected);
    expect(await logitsOf(builder)).toEqual(expected);
    // The byte tokenizer has <think>, so a thinking block is opened after either template.
    expect(builder.formatPrompt('2+2?')).toBe('Q: 2+2?\nA:<think>\n');
    expect(legacy.formatPrompt('2+2?')).toBe('<|im_start|>user\n2+2?<|im_end|>\n<|im_start|>assistant\n<think>\n');
  } finally {
    await Promise.all([q8.dispose(), legacy.dispose(), builder.dispose()]);
  }
});

test('a gated repository: 401 names the token; with the token every request carries it', async () => {
  const folder = modelFolder(buildTinyDecoder(small), byteTokenizerFiles());
  const hub = fakeHub({ 'org/gated': { folder, token: 'hf_secret' } });
  const e = await OrtLanguageModel.load({ kind: 'hub', id: 'org/gated' }, { fetchImpl: hub.fetchImpl, useCache: false, backend: 'wasm' }).catch((x: unknown) => x);
  expect(e).toBeInstanceOf(ModelLoadError);
  expect((e as ModelLoadError).message).toMatch(/HTTP 401 Unauthorized \(gated or private model: enter a Hugging Face access token/);
  const m = await OrtLanguageModel.load({ kind: 'hub', id: 'org/gated' }, { fetchImpl: hub.fetchImpl, useCache: false, backend: 'wasm', token: 'hf_secret' });
  expect(m.info.weightsPath).toBe('onnx/model.onnx');
  await m.dispose();
});

test('a model too large for the WASM heap is refused before its weights are downloaded', async () => {
  const folder = modelFolder(buildTinyDecoder(small), byteTokenizerFiles());
  const hub = fakeHub({ 'org/huge': { folder, claimedSizes: { 'onnx/model.onnx': 5 * 2 ** 30 } } });
  const e = await OrtLanguageModel.load({ kind: 'hub', id: 'org/huge' }, { fetchImpl: hub.fetchImpl, useCache: false, backend: 'wasm' }).catch((x: unknown) => x);
  expect(e).toBeInstanceOf(ModelLoadError);
  expect((e as ModelLoadError).kind).toBe('out-of-memory');
  expect((e as ModelLoadError).message).toMatch(/^org\/huge \(onnx\/model\.onnx\) needs about 5\.\d\d GiB \(weights 5\.00 GiB \+ KV cache/);
  expect(hub.served.get('org/huge')).not.toContain('onnx/model.onnx');
});

test('cancel during a download is "aborted"; the cache lists models with sizes and deletes one', async () => {
  const folder = modelFolder(buildTinyDecoder(small), byteTokenizerFiles());
  const hub = fakeHub({ 'org/a': { folder }, 'org/b': { folder } });
  const ctl = new AbortController();
  const cancelled = await OrtLanguageModel.load({ kind: 'hub', id: 'org/a' }, {
    fetchImpl: hub.fetchImpl,
    backend: 'wasm',
    signal: ctl.signal,
    onProgress: (p) => {
      if (p.file === 'tokenizer.json') ctl.abort();
    },
  }).catch((x: unknown) => x);
  expect((cancelled as ModelLoadError).kind).toBe('aborted');

  for (const id of ['org/a', 'org/b']) await (await OrtLanguageModel.load({ kind: 'hub', id }, { fetchImpl: hub.fetchImpl, backend: 'wasm' })).dispose();
  const files = [...folder.values()].reduce((a, b) => a + b.byteLength, 0);
  const listed = await listCachedModels();
  expect(listed.map((m) => m.id).sort()).toEqual(['org/a', 'org/b']);
  for (const m of listed) {
    expect(m.files).toBe(folder.size);
    expect(m.bytes).toBeGreaterThan(files); // the files plus the stored listing
  }
  expect(await deleteCachedModel('org/a')).toBeGreaterThan(folder.size);
  expect((await listCachedModels()).map((m) => m.id)).toEqual(['org/b']);
  // The remaining model still loads offline from the cache.
  const offline = (async () => {
    throw new TypeError('Failed to fetch');
  }) as typeof fetch;
  const b = await OrtLanguageModel.load({ kind: 'hub', id: 'org/b' }, { fetchImpl: offline, backend: 'wasm' });
  expect(b.info.availableDtypes).toEqual(['fp32']);
  await b.dispose();
});
