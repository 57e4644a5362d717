// The bundled toy Llama (public/models/toy-llama-verbose/, docs/toy-model.md) opened by the engine's
// Llama-family loader exactly as the app opens a hub folder, against the torch reference
// (python/repro_rl/llama_ref, outputs from test/globalSetup/toyLlamaReference.ts) and the float64
// CPU reference, on held-out toy traces: the tokenizer and chat template are the toy task's, the
// log-probs of every position, the answer log-probs after every segment boundary (J, through the
// KV-branching probes the scorer uses) and greedy decoding agree.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEngineModel } from '../../../src/engine/lm/loadEngineModel.ts';
import type { EngineLanguageModel } from '../../../src/engine/lm/engineLanguageModel.ts';
import { llamaConfigFromHf } from '../../../src/engine/hf/hfConfig.ts';
import { decodeSafetensors, llamaCpuWeights } from '../../../src/engine/hf/llamaCpuWeights.ts';
import { cpuForwardLogits } from '../../../src/engine/cpu/forward.ts';
import { logitsKernelFor } from '../../../src/gpu/logitsKernel.ts';
import { ANSWER_MARKER, formatPrompt } from '../../../src/task/format.ts';
import { toyTokenizer } from '../../../src/task/tokenizer.ts';
import { EOS_ID } from '../../../src/task/vocab.ts';
import { fetchToyLlamaReference, TOY_LLAMA_URL, type ToyLlamaRequests } from '../../util/toyLlamaFixture.ts';
import type { LlamaExpected } from '../../util/llamaFixtures.ts';
import { gpu } from './helpers.ts';

/** F32 weights: the bound the engine meets on the generated tiny Llamas (llamaReference.test.ts). */
const TOL = 1e-4;
const FILES = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'model.safetensors'];

async function fetchBytes(path: string): Promise<Uint8Array> {
  const r = await fetch(`${TOY_LLAMA_URL}${path}`);
  if (!r.ok || (r.headers.get('content-type') ?? '').includes('text/html')) throw new Error(`${TOY_LLAMA_URL}${path} is missing: run npm run train:toy -- --arch llama`);
  return new Uint8Array(await r.arrayBuffer());
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

let model: EngineLanguageModel;
let requests: ToyLlamaRequests;
let expected: LlamaExpected;
beforeAll(async () => {
  ({ requests, expected } = await fetchToyLlamaReference());
  model = await loadEngineModel(await gpu(), { kind: 'fetch', id: 'toy-llama-verbose', fetchFile: fetchBytes, files: FILES });
});
afterAll(async () => {
  await model?.dispose();
});

/** log p(ids[t+1] | ids[..t]) for every t: one forward, the fused stats kernel. */
async function logprobs(ids: number[]): Promise<number[]> {
  const r = await model.forward(ids.slice(0, -1), model.emptyCache());
  try {
    return Array.from((await logitsKernelFor(model)(r.logits, Int32Array.from(ids.slice(1)))).targetLogProb);
  } finally {
    r.dispose();
    r.cache.dispose();
  }
}

describe('the bundled toy Llama on our engine', () => {
  it('opens as a Llama-family folder with the toy tokenizer, chat template, probe and EOS', () => {
    expect(model.info).toMatchObject({ runtime: 'engine', vocabSize: 50, numLayers: 4, dtype: 'f32', eosIds: [EOS_ID], contextLength: 128 });
    expect(model.config).toMatchObject({ family: 'llama', nHead: 4, nKvHead: 2, tieWordEmbeddings: true });
    expect(model.defaultProbe).toBe(ANSWER_MARKER);
    for (const q of ['57+38=?', '3+4=?', '9999+1=?']) expect(model.formatPrompt(q)).toBe(formatPrompt(q));
    for (const t of requests.traces) {
      expect(model.tokenizer.encode(t.text)).toEqual(toyTokenizer.encode(t.text));
      expect(model.tokenizer.decode(toyTokenizer.encode(t.text))).toBe(t.text);
    }
  });

  it('log-probs of every position agree with torch and with the float64 CPU reference', async () => {
    const cfg = llamaConfigFromHf(JSON.parse(new TextDecoder().decode(await fetchBytes('config.json'))) as Record<string, unknown>);
    const w = llamaCpuWeights(cfg, decodeSafetensors([await fetchBytes('model.safetensors')]));
    let engineWorst = 0;
    let cpuWorst = 0;
    for (const s of expected.sequences) {
      engineWorst = Math.max(engineWorst, maxDiff(await logprobs(s.ids), s.logprobs));
      const logits = cpuForwardLogits(cfg, w, s.ids.slice(0, -1));
      const cpu = s.ids.slice(1).map((id, t) => {
        const z = logits.subarray(t * 50, (t + 1) * 50);
        const m = Math.max(...z);
        return z[id] - m - Math.log(z.reduce((a, x) => a + Math.exp(x - m), 0));
      });
      cpuWorst = Math.max(cpuWorst, maxDiff(cpu, s.logprobs));
    }
    expect(engineWorst, `max |engine − torch| = ${engineWorst.toExponential(2)}`).toBeLessThanOrEqual(TOL);
    expect(cpuWorst, `max |CPU float64 − torch| = ${cpuWorst.toExponential(2)}`).toBeLessThanOrEqual(TOL);
    // a trained model, not a random one (≈ −ln 50 = −3.9 per token): the responses — CoT and answer,
    // after the prompt, whose random digits no model predicts — are likely under it
    const response = expected.sequences.flatMap((s, i) => s.logprobs.slice(toyTokenizer.encode(requests.traces[i].prompt).length - 1));
    expect(response.reduce((a, x) => a + x, 0) / response.length).toBeGreaterThan(-0.5);
  });

  it('the answer log-probs after every segment boundary (J) agree with torch, branched from one KV cache', async () => {
    const stats = logitsKernelFor(model);
    let worst = 0;
    let checked = 0;
    for (const j of requests.jProbes) {
      const rows = expected.answers.slice(checked, checked + j.boundaries.length);
      const ctx = await model.forward(j.context, model.emptyCache());
      ctx.dispose(); // only the cache is read
      const probes = await model.forwardProbes(ctx.cache, j.boundaries, j.fed);
      const F = j.fed.length;
      const first = F - j.scored.length; // the row fed the probe's last token predicts the first answer token
      const targets = new Int32Array(j.boundaries.length * F).fill(-1);
      j.boundaries.forEach((_, b) => j.scored.forEach((id, k) => { targets[b * F + first + k] = id; }));
      const lp = (await stats(probes.logits, targets)).targetLogProb;
      probes.dispose();
      ctx.cache.dispose();
      rows.forEach((a, b) => {
        expect(a.prefix.slice(0, j.boundaries[b])).toEqual(j.context.slice(0, j.boundaries[b]));
        expect(j.fed.slice(first + 1)).toEqual(j.scored.slice(0, -1));
        worst = Math.max(worst, maxDiff(j.scored.map((_, k) => lp[b * F + first + k]), a.logprobs));
      });
      checked += j.boundaries.length;
    }
    expect(checked).toBe(expected.answers.length);
    expect(worst, `max |engine − torch| over ${checked} probes = ${worst.toExponential(2)}`).toBeLessThanOrEqual(TOL);
  });

  it('greedy decoding from the prompts equals the reference, up to float near-ties', async () => {
    for (const g of expected.greedy) {
      const got = await model.generate(g.prompt, { maxNewTokens: g.tokens.length, temperature: 0, topK: 0, topP: 1, seed: 0 });
      const stops = [g.tokens.indexOf(EOS_ID), g.margins.findIndex((m) => m < 1e-3)].filter((i) => i >= 0);
      const upTo = Math.min(g.tokens.length, ...stops);
      expect(upTo, 'a decoded trace before any EOS or near-tie').toBeGreaterThan(10);
      expect(got.slice(0, upTo), `greedy from ${toyTokenizer.decode(g.prompt)}`).toEqual(g.tokens.slice(0, upTo));
    }
    expect(model.liveCacheStates).toBe(0);
  });
});
