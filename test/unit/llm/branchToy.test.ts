// Branching on the bundled toy model (its ONNX export on onnxruntime-node, CPU): a branch continued
// from the kept cache cut to prompt + t draws the same tokens as a fresh generation from the forced
// prefix with the same seed, and the pure fork arithmetic (forcedPrefix, forkFeed) by hand.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadToyModelNode, type ToyModel } from '../../util/ortNodeToyModel.ts';
import { continueBranch, forcedPrefix, forkFeed } from '../../../src/llm/branch/continueBranch.ts';
import { branchPath } from '../../../src/llm/branch/branchPath.ts';
import { generateWithCache } from '../../../src/llm/generate.ts';
import { readLogitsRow } from '../../../src/llm/logitsRow.ts';
import { cotTokensAfterPrompt } from '../../../src/llm/scorer/scorerTokens.ts';
import type { SamplingOptions } from '../../../src/llm/types.ts';

describe('fork arithmetic', () => {
  const f = { promptIds: [1, 2, 3], cotIds: [10, 11, 12, 13], position: 2, forced: [40, 41] };
  it('keeps CoT[0, t) and writes the replacement', () => {
    expect(forcedPrefix(f)).toEqual([1, 2, 3, 10, 11, 40, 41]);
    expect(forkFeed(f)).toEqual({ keep: 5, feed: [40, 41] });
  });
  it('resampling at t re-feeds the last kept token from one position earlier', () => {
    expect(forkFeed({ ...f, forced: [] })).toEqual({ keep: 4, feed: [11] });
    expect(forkFeed({ ...f, position: 0, forced: [] })).toEqual({ keep: 2, feed: [3] });
    expect(forcedPrefix({ ...f, position: 4, forced: [] })).toEqual([1, 2, 3, 10, 11, 12, 13]);
  });
  it('refuses positions outside the CoT', () => {
    expect(() => forkFeed({ ...f, position: 5 })).toThrow(/\[0, 4\]/);
    expect(() => forkFeed({ ...f, position: 1.5 })).toThrow(/fork position/);
  });
});

describe('toy model branch', () => {
  let model: ToyModel;
  beforeAll(async () => {
    model = await loadToyModelNode();
  });
  afterAll(async () => {
    await model.dispose();
  });

  it('cachePrefix of a cache equals the cache of the prefix (logits after it)', async () => {
    const ids = model.tokenizer.encode('12+34=? a:12 b:34 c', { addSpecialTokens: false });
    const full = await model.forward(ids, model.emptyCache());
    const cut = model.cachePrefix(full.cache, 7);
    const a = await model.forward([5, 6], cut);
    const b = await model.forward(ids.slice(0, 7).concat([5, 6]), model.emptyCache());
    const got = await readLogitsRow(a.logits, 1);
    const want = await readLogitsRow(b.logits, 8);
    let worst = 0;
    for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
    expect(worst).toBeLessThan(1e-4);
    expect((await branchPath(model)).path).toBe('cached');
  });

  it('continues from the kept cache with the same tokens as a fresh generation of the forced prefix', async () => {
    const prompt = model.formatPrompt('17+25=?');
    const { promptIds } = cotTokensAfterPrompt(model.tokenizer, prompt, '');
    const sampling: SamplingOptions = { maxNewTokens: 40, temperature: 1, topK: 0, topP: 1, seed: 99 };
    // The inspection's CoT: the model's own greedy generation.
    const cotIds = await generateWithCache(model, promptIds, { ...sampling, temperature: 0, maxNewTokens: 40 });
    expect(cotIds.length).toBeGreaterThan(10);
    const kept = (await model.forward(promptIds.concat(cotIds), model.emptyCache())).cache;
    const draws: number[][] = [];
    for (const [position, forced] of [[5, [17]], [9, []], [cotIds.length, [15]]] as [number, number[]][]) {
      const f = { promptIds, cotIds, position, forced };
      const r = await continueBranch(model, kept, f, sampling);
      expect(r.path.path).toBe('cached');
      const fresh = await generateWithCache(model, forcedPrefix(f), sampling);
      expect(r.generated).toEqual(fresh);
      expect(r.cotIds).toEqual(cotIds.slice(0, position).concat(forced, fresh));
      draws.push(fresh);
    }
    // A different seed draws something else (the seed is really used).
    const other = await continueBranch(model, kept, { promptIds, cotIds, position: 5, forced: [17] }, { ...sampling, seed: 100 });
    expect(other.generated).not.toEqual(draws[0]);
  });
});
