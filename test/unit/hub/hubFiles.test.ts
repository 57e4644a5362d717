// The shared file layer in Node: hub files as streams (through the Cache API or straight from the
// network), truncation and quota handling, the cache listing a safetensors repository with its
// size and deleting it, picked files as streams, and the tokenizer's files.
import { describe, expect, it } from 'vitest';
import { hubFetcher, hubOpener, cacheSize, clearCache, type FileProgress } from '../../../src/llm/hub/modelFiles.ts';
import { localFilesFetcher } from '../../../src/llm/hub/localFiles.ts';
import { deleteCachedModel, listCachedModels } from '../../../src/llm/hub/modelCache.ts';
import { loadTokenizer } from '../../../src/llm/hub/modelSource.ts';
import { eosTokenIds, readConfigFiles } from '../../../src/llm/hub/modelConfig.ts';
import { ModelLoadError } from '../../../src/llm/hub/modelLoadError.ts';
import { byteTokenizerFiles } from '../../fixtures/onnx/byteTokenizer.ts';
import { MemoryCacheStorage } from './memoryCaches.ts';
import { fakeHub as routedHub } from '../../fixtures/onnx/fakeHub.ts';
import { offline, readAll } from './streams.ts';

/** The routed fake hub serving one repository, its bodies streamed in chunks (default 7 bytes). */
function fakeHub(id: string, files: Record<string, Uint8Array>, opts: { chunk?: number; cut?: Record<string, number> } = {}) {
  return routedHub({ [id]: { folder: new Map(Object.entries(files)), chunkBytes: opts.chunk ?? 7, cutAt: opts.cut } });
}

const ID = 'test-org/tiny-llama';
const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);
const FILES = { 'config.json': new TextEncoder().encode('{"model_type":"llama"}'), 'model-00001-of-00002.safetensors': bytes(1000, 1), 'model-00002-of-00002.safetensors': bytes(333, 2) };
const SHARD = 'model-00001-of-00002.safetensors';

describe('hub files as streams', () => {
  it('without the cache: the network body, counted, with its size', async () => {
    const hub = fakeHub(ID, FILES, { chunk: 64 });
    const progress: FileProgress[] = [];
    const open = hubOpener(ID, { fetchImpl: hub.fetchImpl, useCache: false, onProgress: (p) => void progress.push(p) });
    const f = await open(SHARD);
    expect([f.size, f.fromCache]).toEqual([1000, false]);
    expect(await readAll(f.stream)).toEqual(FILES[SHARD]);
    expect(progress.map((p) => p.loaded)).toEqual([0, ...Array.from({ length: 16 }, (_, i) => Math.min(1000, 64 * (i + 1)))]);
    expect(progress.every((p) => p.total === 1000 && p.file === SHARD)).toBe(true);
  });

  it('a dropped connection (body shorter than content-length) fails the stream as a truncated file', async () => {
    const hub = fakeHub(ID, FILES, { cut: { [SHARD]: 700 } });
    const f = await hubOpener(ID, { fetchImpl: hub.fetchImpl, useCache: false })(SHARD);
    const err = await readAll(f.stream).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelLoadError);
    expect((err as ModelLoadError).message).toBe(`${SHARD} is truncated: got 700 of 1000 bytes (connection dropped?). Load again.`);
    // Through the cache: nothing is stored, and the same error comes from the open.
    const storage = new MemoryCacheStorage();
    const viaCache = hubOpener(ID, { fetchImpl: hub.fetchImpl, cacheStorage: storage.asCacheStorage() });
    await expect(viaCache(SHARD)).rejects.toMatchObject({ kind: 'corrupt-file', message: `${SHARD} is truncated: got 700 of 1000 bytes (connection dropped?). Load again.` });
    expect(await cacheSize(storage.asCacheStorage())).toBe(0);
  });

  it('with the cache: stored on the first visit, streamed back from it offline; a 404 is remembered', async () => {
    const storage = new MemoryCacheStorage();
    const cacheStorage = storage.asCacheStorage();
    const hub = fakeHub(ID, FILES);
    const first = await hubOpener(ID, { fetchImpl: hub.fetchImpl, cacheStorage })(SHARD);
    expect(first.fromCache).toBe(false);
    expect(await readAll(first.stream)).toEqual(FILES[SHARD]);
    await expect(hubFetcher(ID, { fetchImpl: hub.fetchImpl, cacheStorage })('missing.json')).rejects.toMatchObject({ kind: 'missing-file' });

    const progress: FileProgress[] = [];
    const again = await hubOpener(ID, { fetchImpl: offline, cacheStorage, onProgress: (p) => void progress.push(p) })(SHARD);
    expect([again.fromCache, again.size]).toEqual([true, 1000]);
    expect(await readAll(again.stream)).toEqual(FILES[SHARD]);
    expect(progress).toEqual([{ file: SHARD, loaded: 1000, total: 1000, fromCache: true }]);
    // Offline, the remembered 404 still says "missing", not "offline".
    await expect(hubFetcher(ID, { fetchImpl: offline, cacheStorage })('missing.json')).rejects.toMatchObject({ kind: 'missing-file', file: 'missing.json' });
    await expect(hubOpener(ID, { fetchImpl: offline, cacheStorage })('config.json')).rejects.toMatchObject({ kind: 'network' });
  });

  it('a full cache (quota): the file is fetched again and streamed from the network', async () => {
    const storage = new MemoryCacheStorage();
    (await storage.open('repro-playground-models-v1')).quotaFull = true;
    const hub = fakeHub(ID, FILES);
    const f = await hubOpener(ID, { fetchImpl: hub.fetchImpl, cacheStorage: storage.asCacheStorage() })(SHARD);
    expect(await readAll(f.stream)).toEqual(FILES[SHARD]);
    expect(hub.requests.filter((u) => u.endsWith(SHARD))).toHaveLength(2);
  });

  it('cancel: the download stops as "aborted" and leaves nothing in the cache', async () => {
    const storage = new MemoryCacheStorage();
    const ac = new AbortController();
    const hub = fakeHub(ID, FILES, { chunk: 50 });
    const open = hubOpener(ID, { fetchImpl: hub.fetchImpl, cacheStorage: storage.asCacheStorage(), signal: ac.signal, onProgress: (p) => p.loaded >= 200 && ac.abort() });
    await expect(open(SHARD)).rejects.toMatchObject({ kind: 'aborted', message: `Download of ${SHARD} was cancelled.` });
    expect(await cacheSize(storage.asCacheStorage())).toBe(0);
  });
});

describe('the cache as the user manages it', () => {
  it('lists a safetensors repository with its files and bytes, sizes it, deletes it', async () => {
    const storage = new MemoryCacheStorage();
    const cacheStorage = storage.asCacheStorage();
    const hub = fakeHub(ID, FILES);
    const other = fakeHub('test-org/other', { 'model.safetensors': bytes(77, 3) });
    for (const path of Object.keys(FILES)) await readAll((await hubOpener(ID, { fetchImpl: hub.fetchImpl, cacheStorage })(path)).stream);
    await hubFetcher('test-org/other', { fetchImpl: other.fetchImpl, cacheStorage })('model.safetensors');
    await hubFetcher(ID, { fetchImpl: hub.fetchImpl, cacheStorage })('generation_config.json').catch(() => undefined); // a remembered 404
    const total = Object.values(FILES).reduce((a, b) => a + b.byteLength, 0);
    expect(await listCachedModels(cacheStorage)).toEqual([
      { id: ID, revision: 'main', files: 3, bytes: total },
      { id: 'test-org/other', revision: 'main', files: 1, bytes: 77 },
    ]);
    expect(await cacheSize(cacheStorage)).toBe(total + 77);
    expect(await deleteCachedModel(ID, undefined, cacheStorage)).toBe(4);
    expect(await listCachedModels(cacheStorage)).toEqual([{ id: 'test-org/other', revision: 'main', files: 1, bytes: 77 }]);
    expect(await clearCache(cacheStorage)).toBe(true);
    expect(await cacheSize(cacheStorage)).toBe(0);
  });
});

describe('picked files and the tokenizer', () => {
  it('a picked folder opens files as streams with their sizes, and names a missing one', async () => {
    const picked = Object.entries(FILES).map(([p, b]) => new File([b as BlobPart], p));
    const { openFile, fetchFile, paths } = localFilesFetcher(picked);
    expect(paths).toEqual(Object.keys(FILES).sort());
    const f = await openFile(SHARD);
    expect(f.size).toBe(1000);
    expect(await readAll(f.stream)).toEqual(await fetchFile(SHARD));
    await expect(openFile('model.safetensors')).rejects.toMatchObject({ kind: 'missing-file', file: 'model.safetensors' });
  });

  it('chat_template.jinja when tokenizer_config.json has no template; special tokens from special_tokens_map.json', async () => {
    const tok = byteTokenizerFiles();
    const config = JSON.parse(new TextDecoder().decode(tok.get('tokenizer_config.json')));
    delete config.chat_template;
    delete config.eos_token;
    const files = new Map<string, Uint8Array>([
      ['tokenizer.json', tok.get('tokenizer.json')!],
      ['tokenizer_config.json', new TextEncoder().encode(JSON.stringify(config))],
      ['chat_template.jinja', new TextEncoder().encode('{{ bos_token }}[{{ messages[0].content }}]{{ eos_token }}')],
      ['special_tokens_map.json', new TextEncoder().encode(JSON.stringify({ bos_token: { content: '<|endoftext|>', lstrip: false }, eos_token: '<|im_end|>', unk_token: '<think>' }))],
    ]);
    const fetched: string[] = [];
    const fetchFile = async (p: string) => {
      fetched.push(p);
      const b = files.get(p);
      if (!b) throw new ModelLoadError('missing-file', `Missing file ${p}`, { file: p });
      return b;
    };
    const t = await loadTokenizer(fetchFile, [...files.keys()]);
    expect(t.formatPrompt('2+2?')).toBe('<|endoftext|>[2+2?]<|im_end|><think>\n');
    expect(t.unkTokenId).toBe(t.tokenId('<think>'));
    // Without a listing the jinja file is probed, special_tokens_map.json is not.
    fetched.length = 0;
    const unlisted = await loadTokenizer(fetchFile, undefined);
    expect(fetched).toEqual(['tokenizer.json', 'tokenizer_config.json', 'chat_template.jinja']);
    expect(unlisted.formatPrompt('x')).toBe('[x]<think>\n');
  });
});

describe('config files', () => {
  it('config.json required and named, generation_config.json optional, EOS ids from either', async () => {
    const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
    const files: Record<string, Uint8Array> = { 'config.json': enc({ model_type: 'qwen3', eos_token_id: 151645 }), 'generation_config.json': enc({ eos_token_id: [151645, 151643] }) };
    const fetchFile = async (p: string) => {
      if (!files[p]) throw new ModelLoadError('missing-file', `Missing file ${p}`, { file: p });
      return files[p];
    };
    const both = await readConfigFiles(fetchFile, () => true);
    expect(eosTokenIds(both.generationConfig, both.config)).toEqual([151645, 151643]);
    delete files['generation_config.json'];
    const one = await readConfigFiles(fetchFile, () => true);
    expect(one.generationConfig).toEqual({});
    expect(eosTokenIds(one.generationConfig, one.config)).toEqual([151645]);
    await expect(readConfigFiles(fetchFile, (p) => p !== 'config.json')).rejects.toMatchObject({ kind: 'missing-file', file: 'config.json' });
    files['config.json'] = new TextEncoder().encode('{"model_type": ');
    await expect(readConfigFiles(fetchFile, () => true)).rejects.toMatchObject({ kind: 'corrupt-file', message: expect.stringMatching(/^config\.json is not valid JSON/) });
  });
});
