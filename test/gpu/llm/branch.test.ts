// Branch from a token (issue #17 §2) against an independent reference: a fresh generation from the
// forced prefix (prompt + CoT[0, t) + replacement, re-encoded from scratch, same seed), its CoT
// split off the answer marker the same way, and scored by re-encoding every prefix. On test-built
// decoders: the cached path (cut the kept cache to prompt + t), the one-token path (a graph that
// takes one token after a cache) and the fallback (a model that cannot cut a cache: re-encoded).
// The reference runs on the same graph and weights on ORT's WASM backend: an independent
// implementation, and on SwiftShader far faster than WebGPU, which compiles shaders for every new
// sequence length (the reference re-encodes every prefix).
import { afterEach, expect, test } from 'vitest';
import type { CacheState, LanguageModel, SamplingOptions } from '../../../src/llm/types.ts';
import { scoreTrajectory, scoreTrajectoryNaive } from '../../../src/llm/scorer/scoreTrajectory.ts';
import { logitsKernelFor } from '../../../src/gpu/logitsKernel.ts';
import { generateWithCache } from '../../../src/llm/generate.ts';
import { branchPath } from '../../../src/llm/branch/branchPath.ts';
import { forcedPrefix } from '../../../src/llm/branch/continueBranch.ts';
import { generationOutcome } from '../../../src/analysis/generationOutcome.ts';
import { liveGpuTensorCount } from '../../../src/llm/ort/ortRuntime.ts';
import { branchWith, inspectionIds, keepInspectionCache, keptCacheLength, releaseInspectionCache } from '../../../src/worker/branchHost.ts';
import type { BranchRequest, BranchResult } from '../../../src/worker/branchTypes.ts';
import { expectAllclose } from '../../util/allclose.ts';
import { loadTiny } from './loadTiny.ts';

const base = {
  question: 'What is 6 × 7?',
  cot: 'Six sevens.\n\nThat is 42, or is it?\n\nWait, check: 7 × 6 = 42.\n\nSo the product is forty-two.',
  answer: '42}',
  delimiter: '',
  delimiterIsRegex: false,
};
const sampling: SamplingOptions = { maxNewTokens: 16, temperature: 0.9, topK: 0, topP: 0.95, seed: 1234 };

afterEach(() => releaseInspectionCache());

/** Scores the inspection the way the worker does (modelHost.score): the cache over prompt + CoT kept. */
async function scoreKeeping(m: LanguageModel) {
  const ids = inspectionIds(m, base.question, base.cot);
  const t = await scoreTrajectory(m, { question: base.question, cot: base.cot, answer: base.answer, probe: m.defaultProbe }, {
    kernel: logitsKernelFor(m), keepCache: (c: CacheState) => keepInspectionCache(m, ids.promptIds.concat(ids.cotTokens), c),
  });
  return { t, ids };
}

/** The reference: fresh generation from the forced prefix, the same answer split, every prefix re-encoded. */
async function reference(m: LanguageModel, promptIds: number[], cotIds: number[], position: number, forced: number[]) {
  const gen = await generateWithCache(m, forcedPrefix({ promptIds, cotIds, position, forced }), sampling);
  const ids = cotIds.slice(0, position).concat(forced, gen);
  const reason = gen.length < sampling.maxNewTokens ? 'eos' : 'max-tokens';
  const o = generationOutcome(m.tokenizer.decode(ids, { skipSpecialTokens: true }), { probe: m.defaultProbe, thinking: m.info.thinking, reason, cappedByContext: false });
  const t = await scoreTrajectoryNaive(m, { question: base.question, cot: o.cot, answer: base.answer, probe: m.defaultProbe }, { kernel: logitsKernelFor(m) });
  return { ids, gen, t, o };
}

function expectSame(r: BranchResult, ref: Awaited<ReturnType<typeof reference>>): void {
  expect(r.generatedIds).toEqual(ref.ids);
  expect(r.generated).toBe(ref.gen.length);
  expect(r.trajectory.cot).toBe(ref.o.cot);
  expect(r.modelAnswer).toBe(ref.o.modelAnswer);
  expect(r.trajectory.cotTokens).toEqual(ref.t.cotTokens);
  expectAllclose(r.trajectory.J, ref.t.J, { atol: 1e-4, rtol: 0 });
  expectAllclose(r.trajectory.tokenEntropy, ref.t.tokenEntropy, { atol: 1e-4, rtol: 1e-4 });
}

async function branch(m: LanguageModel, t: { cotTokens: number[]; probe: string }, position: number, replacement: BranchRequest['replacement']) {
  const phases: string[] = [];
  const r = await branchWith(m, { ...base, probe: t.probe, cotTokens: t.cotTokens, position, replacement, sampling }, new AbortController().signal, (p) => phases.push(p));
  expect(phases[0]).toBe('generate');
  expect(phases.at(-1)).toBe('score');
  return r;
}

test('a branch continued from the kept KV cache equals a fresh generation + scoring of the forced prefix (token, text, resample)', async () => {
  const model = await loadTiny({ numKvHeads: 2, positionIds: true, seed: 3 }, { tokenizer: 'bytes' });
  const twin = await loadTiny({ numKvHeads: 2, positionIds: true, seed: 3 }, { tokenizer: 'bytes', backend: 'wasm' });
  try {
    const before = liveGpuTensorCount();
    const { t, ids } = await scoreKeeping(model);
    const P = ids.promptIds.length;
    const N = t.cotTokens.length;
    expect(N).toBeGreaterThan(40);
    expect(keptCacheLength()).toBe(P + N);
    expect((await branchPath(model)).path).toBe('cached');
    expect(branchPath(model)).toBe(branchPath(model)); // detected once
    const pos = 30;
    const tok = (t.cotTokens[pos] + 17) % model.info.vocabSize;
    const cases: [BranchRequest['replacement'], number[]][] = [
      [{ tokenId: tok }, [tok]],
      [{ text: ' maybe' }, model.tokenizer.encode(' maybe', { addSpecialTokens: false })],
      [{ text: '' }, []],
    ];
    let tokenRef: Awaited<ReturnType<typeof reference>> | null = null; // the same fork again below, without a kept cache
    for (const [replacement, forced] of cases) {
      const r = await branch(model, t, pos, replacement);
      expect(r.path).toBe('cached');
      expect(r.prefixEncoded).toBe(false);
      const ref = await reference(twin, ids.promptIds, t.cotTokens, pos, forced);
      tokenRef ??= ref;
      expectSame(r, ref);
    }
    // A fork after the last CoT token (the CoT continued).
    for (const p of [N]) expectSame(await branch(model, t, p, { tokenId: tok }), await reference(twin, ids.promptIds, t.cotTokens, p, [tok]));
    expect(keptCacheLength()).toBe(P + N); // the kept cache is only read
    // No cache kept (an inspection opened from the saved list): encoded once, then kept.
    releaseInspectionCache();
    const r = await branch(model, t, pos, { tokenId: tok });
    expect(r.prefixEncoded).toBe(true);
    expect(keptCacheLength()).toBe(P + N);
    expectSame(r, tokenRef!);
    releaseInspectionCache();
    expect(liveGpuTensorCount()).toBe(before);
  } finally {
    await model.dispose();
    await twin.dispose();
  }
}, 480_000);

test('fallbacks: one token per call after a cache, and re-encoding where the cache cannot be cut — same tokens and J', async () => {
  const model = await loadTiny({ numKvHeads: 4, positionIds: true, seed: 9 }, { tokenizer: 'bytes' });
  const twin = await loadTiny({ numKvHeads: 4, positionIds: true, seed: 9 }, { tokenizer: 'bytes', backend: 'wasm' });
  try {
    // A graph that refuses several tokens after a cache (as the model builder's mask subgraph does).
    const oneToken = Object.create(model) as LanguageModel;
    Object.defineProperty(oneToken, 'forwardProbes', { value: undefined });
    oneToken.forward = (tokens, cache) => (cache.length > 0 && tokens.length > 1 ? Promise.reject(new Error('invalid expand shape')) : model.forward(tokens, cache));
    oneToken.cachePrefix = (c, n) => model.cachePrefix(c, n);
    // A model that cannot cut a cache to a prefix.
    const noPrefix = Object.create(model) as LanguageModel;
    Object.defineProperty(noPrefix, 'cachePrefix', { value: undefined });
    noPrefix.forward = (tokens, cache) => model.forward(tokens, cache);
    // The reference (on the WASM twin): computed once for both fallbacks (same prompt and CoT ids).
    let ref: { ids: number[]; cotTokens: number[]; result: Awaited<ReturnType<typeof reference>> } | null = null;
    for (const [m, path] of [[oneToken, 'one-token'], [noPrefix, 're-encode']] as const) {
      const { t, ids } = await scoreKeeping(m);
      if (ref) expect([ids.promptIds, t.cotTokens]).toEqual([ref.ids, ref.cotTokens]);
      const info = await branchPath(m);
      expect(info.path).toBe(path);
      if (path === 're-encode') expect(info.reason).toMatch(/cachePrefix/);
      const pos = 25;
      const r = await branch(m, t, pos, { text: ' or' });
      expect(r.path).toBe(path);
      expect(r.note).toBe(info.note);
      ref ??= { ids: ids.promptIds, cotTokens: t.cotTokens, result: await reference(twin, ids.promptIds, t.cotTokens, pos, model.tokenizer.encode(' or', { addSpecialTokens: false })) };
      expectSame(r, ref.result);
      releaseInspectionCache();
    }
  } finally {
    await model.dispose();
    await twin.dispose();
  }
});

test('bad forks are refused with the reason', async () => {
  const model = await loadTiny({ numKvHeads: 2, positionIds: true, seed: 3 }, { tokenizer: 'bytes' });
  try {
    const { t } = await scoreKeeping(model);
    const signal = new AbortController().signal;
    const req = { ...base, probe: t.probe, cotTokens: t.cotTokens, sampling };
    await expect(branchWith(model, { ...req, position: t.cotTokens.length + 1, replacement: { tokenId: 1 } }, signal, () => {})).rejects.toThrow(/fork position/);
    await expect(branchWith(model, { ...req, position: 3, replacement: { tokenId: model.info.vocabSize } }, signal, () => {})).rejects.toThrow(/vocabulary/);
    await expect(branchWith(model, { ...req, cotTokens: t.cotTokens.slice(1), position: 3, replacement: { tokenId: 1 } }, signal, () => {})).rejects.toThrow(/tokenizes this CoT/);
    const ac = new AbortController();
    ac.abort();
    await expect(branchWith(model, { ...req, position: 3, replacement: { tokenId: 1 } }, ac.signal, () => {})).rejects.toThrow(/cancelled/);
  } finally {
    await model.dispose();
  }
});
