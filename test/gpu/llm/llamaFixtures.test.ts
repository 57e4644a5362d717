// The generated tiny Llama-family models and the torch reference's expectations reach a browser test
// through the Vite server (test/globalSetup/llamaReference.ts wrote them): the bytes served equal what
// the seeded generator makes in this browser, the token ids the reference ran on are what the model's
// own tokenizer gives here, the expectations are internally consistent, and the folder is served as a
// hub repository the loader's listing code reads.
import { expect, test } from 'vitest';
import { HfTokenizer } from '../../../src/llm/hub/hfTokenizer.ts';
import { listRepoFiles } from '../../../src/llm/hub/hubListing.ts';
import { fetchExpected, fetchGeneratedLlama, GENERATED_LLAMAS, generatedHub } from '../../util/llamaFixtures.ts';
import { tinyLlama } from '../../util/tinyLlama.ts';

const json = (b: Uint8Array | undefined) => JSON.parse(new TextDecoder().decode(b)) as Record<string, unknown>;

test('every generated folder is served byte for byte as the seeded generator makes it here', async () => {
  for (const id of ['llama-gqa-f32', 'qwen2-bias-tied-f16', 'qwen3-qknorm-bf16-sharded', 'llama3-rope-bf16']) {
    const { info, folder } = await fetchGeneratedLlama(id);
    const here = tinyLlama(info.spec).folder;
    expect([...folder.keys()].sort()).toEqual([...here.keys()].sort());
    for (const [path, bytes] of here) expect(folder.get(path), `${id}/${path}`).toEqual(bytes);
  }
  expect(GENERATED_LLAMAS).toHaveLength(24);
});

test("the reference ran on the model tokenizer's own ids; its log-probs, logits and J agree with each other", async () => {
  for (const id of ['llama-gqa-bf16', 'qwen3-qknorm-f32']) {
    const { info, folder } = await fetchGeneratedLlama(id);
    const exp = await fetchExpected(id);
    const tok = new HfTokenizer(json(folder.get('tokenizer.json')), json(folder.get('tokenizer_config.json')));
    const { prompt, cot, probe, answer, boundaries } = info.texts;
    expect(tok.formatPrompt('What is 12 + 30?')).toBe(prompt);
    const enc = (s: string) => tok.encode(s, { addSpecialTokens: false });
    expect(exp.sequences[0].ids).toEqual(enc(prompt + cot + probe + answer));
    expect(exp.answers.map((a) => a.prefix)).toEqual(boundaries.map((b) => enc(prompt + cot.slice(0, b) + probe)));
    expect(exp.fileDtypes).toEqual([info.spec.dtype]);
    expect(exp.vocabSize).toBe(json(folder.get('config.json')).vocab_size);

    const s = exp.sequences[0];
    expect(s.logits).toHaveLength(s.ids.length);
    for (let t = 0; t < s.ids.length - 1; t++) {
      const row = s.logits![t];
      const m = Math.max(...row);
      const lse = m + Math.log(row.reduce((a, z) => a + Math.exp(z - m), 0));
      expect(Math.abs(row[s.ids[t + 1]] - lse - s.logprobs[t])).toBeLessThan(2e-5);
    }
    // J after the full CoT is the log-probs of the answer tokens at the end of sequence 0, averaged.
    const last = exp.answers[exp.answers.length - 1];
    const tail = s.logprobs.slice(s.ids.length - 1 - last.answer.length);
    expect(Math.abs(last.J - tail.reduce((a, b) => a + b, 0) / tail.length)).toBeLessThan(2e-5);
    for (const g of exp.greedy) {
      expect(g.tokens).toHaveLength(32);
      expect(Math.min(...g.margins)).toBeGreaterThanOrEqual(0);
    }
  }
});

test('a generated folder served as a hub repository: tree listing with sizes, resolve URLs, a gated token', async () => {
  const hub = await generatedHub({ 'test/tiny-qwen3': 'qwen3-qknorm-bf16-sharded', 'test/gated': { id: 'llama-gqa-f16', token: 'hf_x', pageSize: 2 } });
  const listed = await listRepoFiles('test/tiny-qwen3', { fetchImpl: hub.fetchImpl, useCache: false });
  const { folder } = hub.models.get('test/tiny-qwen3')!;
  expect(listed!.map((f) => [f.path, f.size]).sort()).toEqual([...folder].map(([p, b]) => [p, b.byteLength]).sort());
  expect(listed!.map((f) => f.path)).toContain('model.safetensors.index.json');
  const r = await hub.fetchImpl('https://huggingface.co/test/tiny-qwen3/resolve/main/model-00002-of-00003.safetensors');
  expect(new Uint8Array(await r.arrayBuffer())).toEqual(folder.get('model-00002-of-00003.safetensors'));
  await expect(listRepoFiles('test/gated', { fetchImpl: hub.fetchImpl, useCache: false })).rejects.toThrow(/401/);
  const gated = await listRepoFiles('test/gated', { fetchImpl: hub.fetchImpl, useCache: false, token: 'hf_x' });
  expect(gated!.length).toBe(hub.models.get('test/gated')!.folder.size);
});

test('a model with no expectations says so', async () => {
  await expect(fetchExpected('no-such-model')).rejects.toThrow(/torch reference expectations for no-such-model are missing/);
});
