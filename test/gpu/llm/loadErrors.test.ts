// Loading errors are specific ModelLoadErrors: missing file, HTTP 404 / 500 from the hub path,
// an operator no runtime knows, a truncated ONNX file, corrupt JSON.
import { expect, test } from 'vitest';
import { OrtLanguageModel } from '../../../src/llm/ort/ortLanguageModel.ts';
import { ModelLoadError } from '../../../src/llm/hub/modelLoadError.ts';
import { buildTinyDecoder } from '../../fixtures/onnx/tinyDecoder.ts';
import { asPickedFiles, folderFetcher, modelFolder, type ModelFolder } from '../../fixtures/onnx/modelFolder.ts';
import { BYTE_TOKENIZER_SIZE, byteTokenizerFiles } from '../../fixtures/onnx/byteTokenizer.ts';

const small = { vocabSize: BYTE_TOKENIZER_SIZE, hidden: 16, numLayers: 1, numHeads: 2, numKvHeads: 2, positionIds: true };
const folder = (over = {}): ModelFolder => modelFolder(buildTinyDecoder({ ...small, ...over }), byteTokenizerFiles());

async function loadError(p: Promise<unknown>): Promise<ModelLoadError> {
  const e = await p.then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(ModelLoadError);
  return e as ModelLoadError;
}

test('a picked folder without tokenizer.json names the missing file', async () => {
  const f = folder();
  f.delete('tokenizer.json');
  const e = await loadError(OrtLanguageModel.load({ kind: 'files', files: asPickedFiles(f) }));
  expect(e.kind).toBe('missing-file');
  expect(e.file).toBe('tokenizer.json');
  expect(e.message).toMatch(/Missing file tokenizer\.json: it is not in the picked folder \(have: config\.json, /);
});

test('hub: a 404 response is a missing file with the URL, a 500 is an HTTP error', async () => {
  const f = folder();
  const respond = (status: number) => async (url: RequestInfo | URL) => {
    const path = String(url).split('/resolve/main/')[1];
    if (path === 'onnx/model.onnx' || path === 'onnx/model_q4.onnx') return new Response('not here', { status, statusText: status === 404 ? 'Not Found' : 'Internal Server Error' });
    const bytes = f.get(path);
    return bytes ? new Response(bytes as BlobPart, { headers: { 'content-length': String(bytes.byteLength) } }) : new Response('', { status: 404 });
  };
  const e404 = await loadError(OrtLanguageModel.load({ kind: 'hub', id: 'test-org/tiny' }, { fetchImpl: respond(404), useCache: false }));
  expect(e404.kind).toBe('missing-file');
  expect(e404.file).toMatch(/^onnx\/model(_q4)?\.onnx$/);
  expect(e404.message).toContain('https://huggingface.co/test-org/tiny/resolve/main/onnx/');
  expect(e404.message).toContain('404');
  // without a listing (this hub has no tree API) and no dtype asked for, every candidate weight
  // file (current, legacy merged, model-builder names) was tried before giving up
  expect(e404.message).toMatch(/No other weight file was found either \(tried onnx\/model_q4\.onnx, onnx\/decoder_model_merged_q4\.onnx, onnx\/model\.onnx, onnx\/decoder_model_merged\.onnx, model\.onnx, /);
  const e500 = await loadError(OrtLanguageModel.load({ kind: 'hub', id: 'test-org/tiny' }, { fetchImpl: respond(500), useCache: false }));
  expect(e500.kind).toBe('http');
  expect(e500.message).toMatch(/HTTP 500 Internal Server Error/);
});

test('hub: a body shorter than its content-length is a truncated file', async () => {
  const f = folder();
  const fetchImpl = async (url: RequestInfo | URL) => {
    const bytes = f.get(String(url).split('/resolve/main/')[1]);
    if (!bytes) return new Response('', { status: 404 });
    return new Response(bytes as BlobPart, { headers: { 'content-length': String(bytes.byteLength + 10) } });
  };
  const e = await loadError(OrtLanguageModel.load({ kind: 'hub', id: 'test-org/tiny' }, { fetchImpl, useCache: false, dtype: 'fp32' }));
  expect(e.kind).toBe('corrupt-file');
  expect(e.file).toBe('config.json');
  expect(e.message).toMatch(/truncated: got \d+ of \d+ bytes/);
});

test('an operator no runtime knows is reported as unsupported, naming it', async () => {
  const f = folder({ unsupportedOp: true });
  const e = await loadError(OrtLanguageModel.load({ kind: 'fetch', id: 'x', fetchFile: folderFetcher(f), files: [...f.keys()] }));
  expect(e.kind).toBe('unsupported-operator');
  expect(e.file).toBe('onnx/model.onnx');
  expect(e.message).toMatch(/FrobnicateTensor|org\.example\.nonexistent/);
  expect(e.message).toMatch(/cannot run/);
});

test('a truncated ONNX file is reported as corrupt', async () => {
  const f = folder();
  const onnx = f.get('onnx/model.onnx')!;
  f.set('onnx/model.onnx', onnx.slice(0, Math.floor(onnx.byteLength / 2)));
  const e = await loadError(OrtLanguageModel.load({ kind: 'files', files: asPickedFiles(f) }));
  expect(e.kind).toBe('corrupt-file');
  expect(e.file).toBe('onnx/model.onnx');
  expect(e.message).toMatch(/not a valid ONNX model|could not create a session/);
});

test('corrupt config.json is named', async () => {
  const f = folder();
  f.set('config.json', new TextEncoder().encode('{"vocab_size": 27'));
  const e = await loadError(OrtLanguageModel.load({ kind: 'files', files: asPickedFiles(f) }));
  expect(e.kind).toBe('corrupt-file');
  expect(e.message).toMatch(/^config\.json is not valid JSON/);
});

test('external data (model.onnx_data) is found and loaded', async () => {
  const f = folder({ externalData: true });
  expect(f.has('onnx/model.onnx_data')).toBe(true);
  const m = await OrtLanguageModel.load({ kind: 'files', files: asPickedFiles(f) });
  const r = await m.forward([1, 2, 3], m.emptyCache());
  expect(r.logits.rows).toBe(3);
  r.dispose();
  await m.dispose();
  // Without the data file the load fails with a clear error.
  f.delete('onnx/model.onnx_data');
  const e = await loadError(OrtLanguageModel.load({ kind: 'files', files: asPickedFiles(f) }));
  expect(['missing-file', 'corrupt-file']).toContain(e.kind);
});
