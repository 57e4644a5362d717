// The toy GPT-2 as a LanguageModel on our own engine (src/engine/lm/): its logits equal the
// float64 CPU reference; forwarding in pieces, cutting a cache, batched probes and branching from
// a shared state all equal re-encoding; its J trajectory equals per-prefix re-encoding and the
// ONNX Runtime backend's trajectory of the same weights (its ONNX export); nothing leaks.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ModelConfig } from '../../../src/engine/config.ts';
import { initParams } from '../../../src/engine/init.ts';
import { CpuModel } from '../../../src/engine/cpu/cpuModel.ts';
import { toyEngineModel } from '../../../src/engine/lm/toyEngineModel.ts';
import { EngineLanguageModel } from '../../../src/engine/lm/engineLanguageModel.ts';
import { KvStore } from '../../../src/engine/gpu/kvStore.ts';
import { toyWeights } from '../../../src/engine/gpu/weights.ts';
import { STORAGE, uploadBuffer } from '../../../src/gpu/buffers.ts';
import { HfTokenizer } from '../../../src/llm/hub/hfTokenizer.ts';
import { readLogitsRow } from '../../../src/llm/logitsRow.ts';
import { generateWithCache } from '../../../src/llm/generate.ts';
import { scoreTrajectory, scoreTrajectoryBatched, scoreTrajectoryNaive, scoreTrajectorySequential } from '../../../src/llm/scorer/scoreTrajectory.ts';
import { logitsKernelFor, logitsTopKFor } from '../../../src/gpu/logitsKernel.ts';
import { OrtLanguageModel } from '../../../src/llm/ort/ortLanguageModel.ts';
import { toyModelFolder } from '../../../src/engine/onnx/toyModelFolder.ts';
import { toHfTokenizerConfig, toHfTokenizerJson } from '../../../src/task/tokenizer.ts';
import { ANSWER_MARKER } from '../../../src/task/format.ts';
import { EOS_ID, VOCAB } from '../../../src/task/vocab.ts';
import type { LanguageModel } from '../../../src/llm/types.ts';
import { expectAllclose } from '../../util/allclose.ts';
import { gpu } from './helpers.ts';

const config: ModelConfig = { vocabSize: VOCAB.length, blockSize: 64, nLayer: 2, nHead: 2, nEmbd: 16 };
// Weights far from uniform logits (a random init scaled up), so position and cache mistakes show.
const params = initParams(config, 321).map((x) => x * 6);
let model: EngineLanguageModel;

async function rows(m: LanguageModel, handle: Parameters<typeof readLogitsRow>[0], n: number): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (let t = 0; t < n; t++) out.push(await readLogitsRow(handle, t, m.device));
  return out;
}

beforeAll(async () => {
  const tokenizer = new HfTokenizer(toHfTokenizerJson() as unknown as Record<string, unknown>, toHfTokenizerConfig() as unknown as Record<string, unknown>);
  model = toyEngineModel(await gpu(), config, params, tokenizer, { id: 'toy (engine)', dtype: 'fp32', thinking: false, eosIds: [EOS_ID], contextLength: config.blockSize }, ANSWER_MARKER);
});
afterAll(() => model?.dispose());

describe('the toy model on our engine as a LanguageModel', () => {
  const ids = [1, 7, 3, 12, 9, 4, 4, 20, 11, 2, 5, 30];

  it('forward logits equal the float64 CPU reference', async () => {
    const r = await model.forward(ids, model.emptyCache());
    const ref = new CpuModel(config, params).logits(Int32Array.from(ids), 1, ids.length);
    const got = await rows(model, r.logits, ids.length);
    got.forEach((row, t) => expectAllclose(row, ref.subarray(t * config.vocabSize, (t + 1) * config.vocabSize), { rtol: 1e-4, atol: 1e-4 }));
    r.dispose();
    r.cache.dispose();
  });

  it('pieces, cut caches and two continuations of one state equal re-encoding', async () => {
    const whole = await model.forward(ids, model.emptyCache());
    const ref = await rows(model, whole.logits, ids.length);
    whole.dispose();
    // 5 tokens, then 4, then 3, in place
    const a = await model.forward(ids.slice(0, 5), model.emptyCache());
    const b = await model.forward(ids.slice(5, 9), a.cache);
    const c = await model.forward(ids.slice(9), b.cache);
    expectAllclose((await rows(model, c.logits, 3))[2], ref[11], { rtol: 1e-5, atol: 1e-5 });
    // a second continuation of `a` (its region was written past it): a new region reading `a` in place
    const b2 = await model.forward(ids.slice(5, 9), a.cache);
    (await rows(model, b2.logits, 4)).forEach((row, j) => expectAllclose(row, ref[5 + j], { rtol: 1e-5, atol: 1e-5 }));
    // from b2 (prefix + own region) onwards, and a cut of c continued
    const c2 = await model.forward(ids.slice(9), b2.cache);
    expectAllclose((await rows(model, c2.logits, 3))[0], ref[9], { rtol: 1e-5, atol: 1e-5 });
    const cut = model.cachePrefix(c2.cache, 7);
    const d = await model.forward(ids.slice(7, 10), cut);
    (await rows(model, d.logits, 3)).forEach((row, j) => expectAllclose(row, ref[7 + j], { rtol: 1e-5, atol: 1e-5 }));
    // logitsFrom = 2: the LM head only for the last two rows (compact), the same numbers, and the
    // skipped rows' keys and values still in the cache (the next piece reads them)
    const e = await model.forward(ids.slice(5, 9), a.cache, 2);
    expect(e.firstRow).toBe(2);
    expect(e.logits.rows).toBe(2);
    (await rows(model, e.logits, 2)).forEach((row, j) => expectAllclose(row, ref[7 + j], { rtol: 1e-5, atol: 1e-5 }));
    const f = await model.forward(ids.slice(9), e.cache, 2);
    expectAllclose((await rows(model, f.logits, 1))[0], ref[11], { rtol: 1e-5, atol: 1e-5 });
    await expect(model.forward(ids.slice(9), e.cache, 3)).rejects.toThrow(/logitsFrom 3 outside 0…2/);
    for (const x of [a, b, c, b2, c2, d, e, f]) { x.dispose(); x.cache.dispose(); }
    whole.cache.dispose();
    cut.dispose();
    expect(model.liveCacheStates).toBe(0);
  });

  it('batched probes from prefixes of one cache equal forwarding each prefix', async () => {
    const full = await model.forward(ids, model.emptyCache());
    const probe = [13, 14, 15];
    const prefixes = [0, 3, 8, 12];
    const batch = await model.forwardProbes!(full.cache, prefixes, probe);
    const got = await rows(model, batch.logits, prefixes.length * probe.length);
    for (const [b, n] of prefixes.entries()) {
      const one = await model.forward(ids.slice(0, n).concat(probe), model.emptyCache());
      const ref = await rows(model, one.logits, n + probe.length);
      probe.forEach((_, j) => expectAllclose(got[b * probe.length + j], ref[n + j], { rtol: 1e-5, atol: 1e-5 }));
      one.dispose();
      one.cache.dispose();
    }
    // logitsFrom = 2: the head only for each probe's last row, compact, and the same numbers
    const tail = await model.forwardProbes!(full.cache, prefixes, probe, 2);
    expect(tail.firstRow).toBe(2);
    expect(tail.logits.rows).toBe(prefixes.length);
    const gotTail = await rows(model, tail.logits, prefixes.length);
    prefixes.forEach((_, b) => expectAllclose(gotTail[b], got[b * probe.length + 2], { rtol: 1e-6, atol: 1e-6 }));
    tail.dispose();
    await expect(model.forwardProbes!(full.cache, prefixes, probe, 3)).rejects.toThrow(/logitsFrom 3 outside 0…2/);
    batch.dispose();
    full.dispose();
    full.cache.dispose();
    expect(model.liveCacheStates).toBe(0);
  });

  it('scores J trajectories equal to per-prefix re-encoding and to ONNX Runtime on the same weights', async () => {
    // Two segments (boundaries: empty CoT, mid-CoT, whole CoT) keep every case the scorer has: each
    // ORT call costs seconds on SwiftShader, and a shorter CoT makes fewer and shorter calls.
    const input = { question: '47+38', cot: '7+8=15\n\nso 85', answer: '85' };
    const kernels = { kernel: logitsKernelFor(model), topK: logitsTopKFor(model) };
    const t = await scoreTrajectory(model, input, kernels);
    const naive = await scoreTrajectoryNaive(model, input, kernels);
    expect(t.J.length).toBe(3);
    expectAllclose(t.J, naive.J, { rtol: 1e-5, atol: 1e-5 });
    expectAllclose(t.tokenEntropy, naive.tokenEntropy, { rtol: 1e-5, atol: 1e-5 });

    const folder = toyModelFolder(config, params);
    // ORT's WASM backend: the same graph as its WebGPU one (tested in test/gpu/llm/), an independent
    // implementation, and on SwiftShader ~10× faster (WebGPU compiles shaders per input shape).
    const ort = await OrtLanguageModel.load({ kind: 'fetch', id: 'toy (ort)', fetchFile: async (p) => folder[p], files: Object.keys(folder) }, { backend: 'wasm' });
    try {
      const tOrt = await scoreTrajectory(ort, input, { kernel: logitsKernelFor(ort), topK: logitsTopKFor(ort) });
      expect(tOrt.cotTokens).toEqual(t.cotTokens);
      expectAllclose(t.J, tOrt.J, { rtol: 1e-4, atol: 1e-4 });
      expectAllclose(t.tokenEntropy, tOrt.tokenEntropy, { rtol: 1e-4, atol: 1e-4 });
      expect(t.tokenLens!.ids).toEqual(tOrt.tokenLens!.ids);
    } finally {
      await ort.dispose();
    }
    expect(model.liveCacheStates).toBe(0);
  });

  it('J from one batched probe call (the head on the answer rows only) equals one branch per boundary, also over inference chunks', async () => {
    const input = { question: '47+38', cot: '7+8=15\n\n4+3+1=8\n\nso 85', answer: '85' };
    const kernels = { kernel: logitsKernelFor(model) };
    const perBoundary = await scoreTrajectorySequential(model, input, kernels);
    expect(perBoundary.J.length).toBe(4);
    // the same weights with 5 rows per inference chunk: probes split across chunks
    const ctx = await gpu();
    const small = new EngineLanguageModel({
      ctx, config, tokenizer: model.tokenizer, info: { id: 'toy (engine, 5 rows)', dtype: 'fp32', thinking: false, eosIds: [EOS_ID] }, probe: ANSWER_MARKER,
      weights: toyWeights(config, uploadBuffer(ctx.device, params, STORAGE, 'toy params'), true), kv: new KvStore(ctx, config.nLayer, config.nEmbd), maxRows: 5,
    });
    try {
      for (const m of [model, small]) {
        const calls = vi.spyOn(m, 'forwardProbes');
        const t = await scoreTrajectoryBatched(m, input, kernels);
        expect(calls).toHaveBeenCalledTimes(1); // the probes read the cache in place: one call
        calls.mockRestore();
        expectAllclose(t.J, perBoundary.J, { rtol: 1e-5, atol: 1e-5 });
        expectAllclose(t.answerLogProbs.flat(), perBoundary.answerLogProbs.flat(), { rtol: 1e-5, atol: 1e-5 });
        expectAllclose(t.tokenEntropy, perBoundary.tokenEntropy, { rtol: 1e-5, atol: 1e-5 });
      }
    } finally {
      await small.dispose();
    }
    expect(model.liveCacheStates).toBe(0);
  });

  it('greedy generation equals the CPU reference', async () => {
    const prompt = [1, 7, 3, 12];
    const opts = { maxNewTokens: 12, temperature: 0, topK: 0, topP: 1, seed: 3 };
    const got = await model.generate(prompt, opts);
    const ref = (await new CpuModel(config, params).sample([prompt], { ...opts, stopIds: [EOS_ID] })).tokens[0].filter((id) => id !== EOS_ID);
    expect(got).toEqual(ref);
    expect(model.liveCacheStates).toBe(0);
  });

  it('sampled generation draws on the GPU exactly what the CPU sampler draws from read-back rows', async () => {
    const prompt = [1, 7, 3, 12];
    for (const opts of [
      { maxNewTokens: 20, temperature: 1, topK: 0, topP: 1, seed: 11 },
      { maxNewTokens: 20, temperature: 0.7, topK: 8, topP: 0.9, seed: 12 },
    ]) {
      const onGpu = await model.generate(prompt, opts);
      // the same loop without the model's GPU draw: rows read back, src/sampling/sampleToken.ts
      const cpuDecoder = { forward: model.forward.bind(model), emptyCache: () => model.emptyCache(), tokenizer: model.tokenizer, device: model.device, info: model.info };
      const onCpu = await generateWithCache(cpuDecoder, prompt, opts);
      expect(onGpu).toEqual(onCpu);
      expect(onGpu.length).toBeGreaterThan(3);
    }
    expect(model.liveCacheStates).toBe(0);
  });
});
