// A safetensors repository through the browser's real Cache API: shards downloaded into the
// cache and streamed back tensor by tensor, listed with their size and deleted like ONNX models;
// an offline second visit reads the same tensors; a cancelled download leaves nothing behind.
// The hub is the routed fake (no network).
import { afterAll, beforeAll, expect, test } from 'vitest';
import { llamaConfigFromHf } from '../../../src/engine/hf/hfConfig.ts';
import { streamLlamaWeights } from '../../../src/engine/hf/llamaWeightStream.ts';
import { llamaTensorShapes } from '../../../src/engine/llamaConfig.ts';
import { deleteCachedModel, listCachedModels } from '../../../src/llm/hub/modelCache.ts';
import { cacheSize, clearCache } from '../../../src/llm/hub/modelFiles.ts';
import { filesOf, listSource, type SourceOptions } from '../../../src/llm/hub/modelSource.ts';
import { Rng } from '../../../src/sampling/rng.ts';
import { fakeHub } from '../../fixtures/onnx/fakeHub.ts';
import { encodeSafetensors, randomTensor, tensorBytes } from '../../unit/engine/hf/safetensorsBytes.ts';

const ID = 'test-org/tiny-llama-st';
const CONFIG = { model_type: 'llama', vocab_size: 40, hidden_size: 16, intermediate_size: 24, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 2, tie_word_embeddings: true };
const config = llamaConfigFromHf(CONFIG);
const rng = new Rng(17);
const tensors = [...llamaTensorShapes(config)].map(([name, shape]) => randomTensor(name, shape.length === 1 ? 'F32' : 'BF16', shape, rng));
const SHARDS = ['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors'];
const half = Math.ceil(tensors.length / 2);
const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
const folder = new Map<string, Uint8Array>([
  ['config.json', enc(CONFIG)],
  ['model.safetensors.index.json', enc({ weight_map: Object.fromEntries(tensors.map((t, i) => [t.name, SHARDS[i < half ? 0 : 1]])) })],
  [SHARDS[0], encodeSafetensors(tensors.slice(0, half))],
  [SHARDS[1], encodeSafetensors(tensors.slice(half))],
]);
const offline = (async () => {
  throw new TypeError('Failed to fetch');
}) as typeof fetch;

async function load(opts: SourceOptions) {
  const source = { kind: 'hub' as const, id: ID };
  const files = filesOf(source, opts);
  const { available } = await listSource(source, files, opts);
  const got = new Map<string, Uint8Array>();
  await streamLlamaWeights({ ...files, available }, config, { signal: opts.signal, onTensor: (t) => void got.set(t.name, t.bytes) });
  return got;
}

beforeAll(() => clearCache());
afterAll(() => clearCache());

test('downloaded into the Cache API, listed with its size, read back offline, deleted', async () => {
  const hub = fakeHub({ [ID]: { folder, chunkBytes: 100 } });
  const first = await load({ fetchImpl: hub.fetchImpl });
  expect(first).toEqual(new Map(tensors.map((t) => [t.name, tensorBytes(t)])));
  const fileBytes = ['model.safetensors.index.json', ...SHARDS].reduce((a, f) => a + folder.get(f)!.byteLength, 0);
  const listed = await listCachedModels();
  expect(listed).toEqual([{ id: ID, revision: 'main', files: 3, bytes: expect.any(Number) }]);
  // The listing (tree API response) is stored beside the files and counted in the repository's bytes.
  expect(listed[0].bytes).toBeGreaterThan(fileBytes);
  expect(await cacheSize()).toBeGreaterThanOrEqual(fileBytes);

  const second = await load({ fetchImpl: offline });
  expect(second).toEqual(first);

  expect(await deleteCachedModel(ID)).toBe(4);
  expect(await listCachedModels()).toEqual([]);
  await expect(load({ fetchImpl: offline })).rejects.toMatchObject({ kind: 'network' });
});

test('a cancelled download is "aborted" and leaves no partial shard in the cache', async () => {
  const hub = fakeHub({ [ID]: { folder, chunkBytes: 64 } });
  const ac = new AbortController();
  const run = load({ fetchImpl: hub.fetchImpl, signal: ac.signal, onProgress: (p) => p.file === SHARDS[1] && p.loaded >= 128 && ac.abort() });
  await expect(run).rejects.toMatchObject({ kind: 'aborted' });
  const cache = await caches.open('repro-playground-models-v1');
  const urls = (await cache.keys()).map((r) => r.url);
  expect(urls.some((u) => u.endsWith(SHARDS[0]))).toBe(true);
  expect(urls.some((u) => u.endsWith(SHARDS[1]))).toBe(false);
});
