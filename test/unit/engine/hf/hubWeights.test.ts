// The whole path from a hub repository to tensors, in Node: listing, index, shards downloaded into
// the Cache API and streamed back tensor by tensor; a second visit offline from the cache; a cut
// download and a cancel named as such.
import { describe, expect, it } from 'vitest';
import { llamaConfigFromHf } from '../../../../src/engine/hf/hfConfig.ts';
import { streamLlamaWeights } from '../../../../src/engine/hf/llamaWeightStream.ts';
import { llamaTensorShapes } from '../../../../src/engine/llamaConfig.ts';
import { filesOf, listSource, type SourceOptions } from '../../../../src/llm/hub/modelSource.ts';
import { Rng } from '../../../../src/sampling/rng.ts';
import { MemoryCacheStorage } from '../../hub/memoryCaches.ts';
import { fakeHub as routedHub } from '../../../fixtures/onnx/fakeHub.ts';
import { offline } from '../../hub/streams.ts';
import { encodeSafetensors, randomTensor, tensorBytes } from './safetensorsBytes.ts';

/** The routed fake hub serving one repository, its bodies streamed in chunks (default 7 bytes). */
function fakeHub(id: string, files: Record<string, Uint8Array>, opts: { chunk?: number; cut?: Record<string, number> } = {}) {
  return routedHub({ [id]: { folder: new Map(Object.entries(files)), chunkBytes: opts.chunk ?? 7, cutAt: opts.cut } });
}

const ID = 'test-org/tiny-qwen3';
const CONFIG = { architectures: ['Qwen3ForCausalLM'], model_type: 'qwen3', vocab_size: 12, hidden_size: 8, intermediate_size: 10, num_hidden_layers: 2, num_attention_heads: 2, num_key_value_heads: 1, head_dim: 6, tie_word_embeddings: false, torch_dtype: 'float16' };
const config = llamaConfigFromHf(CONFIG);
const rng = new Rng(9);
const tensors = [...llamaTensorShapes(config)].map(([name, shape]) => randomTensor(name, shape.length === 1 ? 'F32' : 'F16', shape, rng));
const half = Math.ceil(tensors.length / 2);
const SHARDS = ['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors'];
const weightMap = Object.fromEntries(tensors.map((t, i) => [t.name, SHARDS[i < half ? 0 : 1]]));
const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
const FILES: Record<string, Uint8Array> = {
  'config.json': enc(CONFIG),
  'model.safetensors.index.json': enc({ metadata: { total_size: 0 }, weight_map: weightMap }),
  [SHARDS[0]]: encodeSafetensors(tensors.slice(0, half)),
  [SHARDS[1]]: encodeSafetensors(tensors.slice(half)),
};

async function loadFromHub(opts: SourceOptions) {
  const source = { kind: 'hub' as const, id: ID };
  const files = filesOf(source, opts);
  const { available } = await listSource(source, files, opts);
  const got = new Map<string, Uint8Array>();
  const read = await streamLlamaWeights({ ...files, available }, config, {
    signal: opts.signal,
    onTensor: async (t) => {
      got.set(t.name, t.bytes);
      await new Promise((r) => setTimeout(r, 0)); // an upload that takes a moment
    },
  });
  return { got, read };
}

describe('hub → Cache API → tensors', () => {
  it('first visit downloads and caches; an offline second visit gives the same tensors from the cache', async () => {
    const storage = new MemoryCacheStorage();
    const hub = fakeHub(ID, FILES, { chunk: 13 });
    const first = await loadFromHub({ fetchImpl: hub.fetchImpl, cacheStorage: storage.asCacheStorage() });
    expect(first.got).toEqual(new Map(tensors.map((t) => [t.name, tensorBytes(t)])));
    expect(first.read.files).toEqual(SHARDS);
    expect(hub.requests.filter((u) => u.includes('/resolve/')).map((u) => u.split('/resolve/main/')[1])).toEqual(['model.safetensors.index.json', ...SHARDS]);

    const second = await loadFromHub({ fetchImpl: offline, cacheStorage: storage.asCacheStorage() });
    expect(second.got).toEqual(first.got);
  });

  it('a shard cut short is a truncated file named as such; cancelling mid-load is "aborted"', async () => {
    const cut = fakeHub(ID, FILES, { cut: { [SHARDS[1]]: 100 } });
    await expect(loadFromHub({ fetchImpl: cut.fetchImpl, cacheStorage: new MemoryCacheStorage().asCacheStorage() })).rejects.toMatchObject({
      kind: 'corrupt-file',
      message: `${SHARDS[1]} is truncated: got 100 of ${FILES[SHARDS[1]].byteLength} bytes (connection dropped?). Load again.`,
    });
    // Without the cache the cut shows in the reader, which names the tensor it was inside.
    await expect(loadFromHub({ fetchImpl: cut.fetchImpl, useCache: false })).rejects.toThrow(`${SHARDS[1]} is truncated: got 100 of`);

    const ac = new AbortController();
    const hub = fakeHub(ID, FILES);
    const run = loadFromHub({ fetchImpl: hub.fetchImpl, cacheStorage: new MemoryCacheStorage().asCacheStorage(), signal: ac.signal, onProgress: (p) => p.file === SHARDS[1] && ac.abort() });
    await expect(run).rejects.toMatchObject({ kind: 'aborted' });
  });
});
