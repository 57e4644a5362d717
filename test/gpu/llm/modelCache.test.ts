// The hub path's browser cache (Cache API): a first load downloads every file and stores it (404s
// included, so optional files stay "missing" offline); a
// second visit with the network gone loads from the cache alone and runs the same model; the cache
// size is the bytes stored; clearing it empties it and an offline load then fails as 'network'.
// The hub is a fetchImpl serving a test-built model folder (no network here).
import { afterAll, beforeAll, expect, test } from 'vitest';
import { OrtLanguageModel } from '../../../src/llm/ort/ortLanguageModel.ts';
import { ModelLoadError } from '../../../src/llm/hub/modelLoadError.ts';
import { cacheSize, clearCache, type FileProgress } from '../../../src/llm/hub/modelFiles.ts';
import { readLogitsRow } from '../../../src/llm/logitsRow.ts';
import { buildTinyDecoder } from '../../fixtures/onnx/tinyDecoder.ts';
import { modelFolder } from '../../fixtures/onnx/modelFolder.ts';
import { BYTE_TOKENIZER_SIZE, byteTokenizerFiles } from '../../fixtures/onnx/byteTokenizer.ts';

const folder = modelFolder(
  buildTinyDecoder({ vocabSize: BYTE_TOKENIZER_SIZE, hidden: 16, numLayers: 1, numHeads: 2, numKvHeads: 2, positionIds: true, seed: 5 }),
  byteTokenizerFiles(),
);
const ID = 'test-org/cached-tiny';

/** A hub that serves the folder and counts what it sent; everything else is a 404. */
function hub() {
  const served = new Map<string, number>();
  const fetchImpl = async (url: RequestInfo | URL) => {
    const path = String(url).split(`/${ID}/resolve/main/`)[1];
    const bytes = path === undefined ? undefined : folder.get(path);
    if (!bytes) return new Response('Entry not found', { status: 404, statusText: 'Not Found' });
    served.set(path, bytes.byteLength);
    return new Response(bytes as BlobPart, { headers: { 'content-length': String(bytes.byteLength) } });
  };
  return { fetchImpl: fetchImpl as typeof fetch, served };
}

const offline = (async () => {
  throw new TypeError('Failed to fetch');
}) as typeof fetch;

async function firstRowLogits(m: OrtLanguageModel): Promise<Float32Array> {
  const r = await m.forward(m.tokenizer.encode('cache me', { addSpecialTokens: false }), m.emptyCache());
  const row = await readLogitsRow(r.logits, 1, m.device);
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

test('first visit downloads and stores; an offline second visit loads the same model from the cache; clear empties it', async () => {
  expect(await cacheSize()).toBe(0);

  const { fetchImpl, served } = hub();
  const first: FileProgress[] = [];
  const online = await OrtLanguageModel.load({ kind: 'hub', id: ID }, { fetchImpl, onProgress: (p) => first.push(p) });
  // The repository ships only onnx/model.onnx: the preferred quantised file is a 404, and the
  // loader goes on down its preference list to fp32.
  expect(online.info.dtype).toBe('fp32');
  const expected = await firstRowLogits(online);
  await online.dispose();
  expect(served.has('onnx/model.onnx')).toBe(true);
  expect(served.has('tokenizer.json')).toBe(true);
  expect(first.some((p) => p.fromCache)).toBe(false);
  const downloaded = [...served.values()].reduce((a, b) => a + b, 0);
  expect(await cacheSize()).toBe(downloaded);

  const second: FileProgress[] = [];
  const cached = await OrtLanguageModel.load({ kind: 'hub', id: ID }, { fetchImpl: offline, onProgress: (p) => second.push(p) });
  try {
    const files = new Set(second.map((p) => p.file));
    expect(files).toEqual(new Set(served.keys()));
    expect(second.every((p) => p.fromCache)).toBe(true);
    expect(await firstRowLogits(cached)).toEqual(expected);
  } finally {
    await cached.dispose();
  }

  await clearCache();
  expect(await cacheSize()).toBe(0);
  const e = await OrtLanguageModel.load({ kind: 'hub', id: ID }, { fetchImpl: offline }).catch((x: unknown) => x);
  expect(e).toBeInstanceOf(ModelLoadError);
  expect((e as ModelLoadError).kind).toBe('network');
  expect((e as ModelLoadError).message).toMatch(/Could not download .* Failed to fetch/);
});
