// OrtLanguageModel on a real WebGPU adapter: loading a picked folder (real Qwen3 tokenizer +
// test-built decoder of Qwen3's vocabulary size), tokenizer and chat template on real data;
// KV-cached vs uncached greedy generation, branching and the WASM fallback run on a V = 512
// decoder (same tokenizer, ids < 512) because SwiftShader takes seconds per V = 151 936 step.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { OrtLanguageModel } from '../../../src/llm/ort/ortLanguageModel.ts';
import { readLogitsRow } from '../../../src/llm/logitsRow.ts';
import { argmax } from '../../../src/sampling/sampleToken.ts';
import { expectAllclose } from '../../util/allclose.ts';
import { QWEN3_VOCAB } from '../../fixtures/onnx/npmTokenizers.ts';
import { loadTiny } from './loadTiny.ts';

const V = 512;
let qwen: OrtLanguageModel; // V = 151 936
let model: OrtLanguageModel; // V = 512
beforeAll(async () => {
  qwen = await loadTiny({ numKvHeads: 2 }); // GQA
  model = await loadTiny({ vocabSize: V, numKvHeads: 2 });
});
afterAll(async () => {
  await qwen?.dispose();
  await model?.dispose();
});
const greedy = { temperature: 0, topK: 0, topP: 1, seed: 0 };

test('a picked folder loads on WebGPU with what config, generation_config and tokenizer say', async () => {
  const model = qwen;
  expect(model.info.backend).toBe('webgpu');
  expect(model.backendNote).toBeNull();
  expect(model.device).toBeDefined();
  expect(model.info.vocabSize).toBe(QWEN3_VOCAB);
  expect(model.info.numLayers).toBe(2);
  expect(model.info.eosIds).toEqual([QWEN3_VOCAB - 1]); // from our generation_config.json
  expect(model.info.thinking).toBe(true);
  expect(model.io.kvHeads).toBe(2);
  expect(model.io.headDim).toBe(4);
  expect(model.io.hasPositionIds).toBe(true);
  const r = await model.forward(model.tokenizer.encode('Hello world', { addSpecialTokens: false }), model.emptyCache());
  expect(r.logits).toMatchObject({ kind: 'gpu', rows: 2, vocab: QWEN3_VOCAB, dtype: 'float32', byteOffset: 0 });
  if (r.logits.kind === 'gpu') expect(r.logits.buffer.size).toBeGreaterThanOrEqual(2 * QWEN3_VOCAB * 4);
  expect(r.cache.length).toBe(2);
  r.dispose();
  r.cache.dispose();
});

test('real Qwen3 tokenization: thinking tags are single added tokens, text round-trips', () => {
  const tok = qwen.tokenizer;
  expect(tok.encode('<think>', { addSpecialTokens: false })).toEqual([151667]);
  expect(tok.encode('</think>', { addSpecialTokens: false })).toEqual([151668]);
  const text = 'Let me compute 12 × 7 = 84.\n\nWait, check: 84 / 7 = 12. ✓ 日本語';
  const ids = tok.encode(text, { addSpecialTokens: false });
  expect(ids.length).toBeGreaterThan(10);
  expect(tok.decode(ids)).toBe(text);
  expect(tok.encode('Hello world', { addSpecialTokens: false })).toEqual([9707, 1879]); // Qwen's BPE ids
});

test('chat template: the prompt ends where the CoT begins, with <think> opened', () => {
  const p = qwen.formatPrompt('What is 2+2?');
  expect(p).toBe('<|im_start|>user\nWhat is 2+2?<|im_end|>\n<|im_start|>assistant\n<think>\n');
  expect(qwen.defaultProbe).toBe('\n</think>\n\nThe final answer is \\boxed{');
});

test('cached greedy generation equals uncached greedy decoding token for token', async () => {
  const prompt = [151644, 872, 198, 17, 10, 17, 30].map((id) => id % V); // a fixed prompt in the small vocab
  const n = 10;
  const cached = await model.generate(prompt, { maxNewTokens: n, ...greedy });
  // Uncached: every step re-encodes the whole sequence from the empty cache.
  const seq = [...prompt];
  const uncached: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = await model.forward(seq, model.emptyCache());
    const row = await readLogitsRow(r.logits, r.logits.rows - 1, model.device);
    r.dispose();
    r.cache.dispose();
    const id = argmax(row);
    if (model.info.eosIds.includes(id)) break;
    uncached.push(id);
    seq.push(id);
  }
  expect(cached.length).toBeGreaterThan(0);
  expect(cached).toEqual(uncached);
  // Greedy is deterministic.
  expect(await model.generate(prompt, { maxNewTokens: n, ...greedy, seed: 99 })).toEqual(cached);
});

test('branching: two probes from one cache state agree with re-encoding from scratch', async () => {
  const base = await model.forward([100, 200, 300], model.emptyCache());
  base.dispose();
  const a = await model.forward([400, 500], base.cache);
  const b = await model.forward([60], base.cache); // the state is not consumed by a
  const fullA = await model.forward([100, 200, 300, 400, 500], model.emptyCache());
  const fullB = await model.forward([100, 200, 300, 60], model.emptyCache());
  expect(a.logits.kind).toBe('gpu');
  expectAllclose(await readLogitsRow(a.logits, 1, model.device), await readLogitsRow(fullA.logits, 4, model.device), { atol: 1e-4, rtol: 1e-4 });
  expectAllclose(await readLogitsRow(b.logits, 0, model.device), await readLogitsRow(fullB.logits, 3, model.device), { atol: 1e-4, rtol: 1e-4 });
  for (const r of [a, b, fullA, fullB]) {
    r.dispose();
    r.cache.dispose();
  }
  base.cache.dispose();
  await expect(model.forward([1], base.cache)).rejects.toThrow(/disposed/);
  await expect(model.forward([7, V], model.emptyCache())).rejects.toThrow(/tokens\[1\] = 512 is not a token id in \[0, 512\)/);
  expect(model.liveCacheStates).toBe(0);
});

test('streaming, stop strings, max tokens and abort', async () => {
  const prompt = [40, 41, 42];
  const seen: number[] = [];
  let text = '';
  const out = await model.generate(prompt, { maxNewTokens: 6, ...greedy }, {
    onToken: (id, t) => { seen.push(id); text += t; },
  });
  expect(seen).toEqual(out);
  expect(out.length).toBeLessThanOrEqual(6);
  // A multi-byte character cut off by the last token is never emitted as text.
  expect(text).toBe(model.tokenizer.decode(out).replace(/\uFFFD+$/, ''));
  if (out.length >= 3) {
    const stop = model.tokenizer.decode(out.slice(0, 2));
    const stopped = await model.generate(prompt, { maxNewTokens: 6, ...greedy, stopStrings: [stop] });
    expect(stopped.length).toBeLessThan(out.length);
    expect(model.tokenizer.decode(stopped)).toContain(stop);
  }
  const ctrl = new AbortController();
  const p = model.generate(prompt, { maxNewTokens: 50, temperature: 0.8, topK: 20, topP: 0.9, seed: 1 }, { signal: ctrl.signal, onToken: () => ctrl.abort() });
  await expect(p).rejects.toThrow(/aborted/);
  expect(model.liveCacheStates).toBe(0);
});

test('WebGPU missing → WASM fallback, said in backendNote, CPU logits equal to WebGPU ones', async () => {
  const wasm = await loadTiny({ vocabSize: V, numKvHeads: 2 }, { detectWebGpu: async () => ({ ok: false, reason: 'no adapter (test)' }) });
  try {
    expect(wasm.info.backend).toBe('wasm');
    expect(wasm.backendNote).toMatch(/WebGPU is unavailable \(no adapter \(test\)\); running on WASM/);
    expect(wasm.device).toBeUndefined();
    const ids = [97, 18, 13];
    const c = await wasm.forward(ids, wasm.emptyCache());
    const g = await model.forward(ids, model.emptyCache());
    expect(c.logits.kind).toBe('cpu');
    expectAllclose(await readLogitsRow(c.logits, 2), await readLogitsRow(g.logits, 2, model.device), { atol: 1e-4, rtol: 1e-4 });
    for (const r of [c, g]) { r.dispose(); r.cache.dispose(); }
  } finally {
    await wasm.dispose();
  }
});
