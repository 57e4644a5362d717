// Scoring-path detection: a graph that takes several tokens after a cache is scored the cached
// way; one that throws on that (as the model builder's mask-reformat subgraph does with ORT's
// "Expand … invalid expand shape") but takes one token after a cache is scored token by token;
// one that cannot continue a cache at all is re-encoded. Each path's J equals re-encoding.
// The refusing graphs here are the real test-built decoder behind a forward() that refuses those
// calls the way ORT does; a real graph with that subgraph is exporterModelBuilder.test.ts.
import { expect, test } from 'vitest';
import type { CacheState, LanguageModel } from '../../../src/llm/types.ts';
import { scoreTrajectory, scoreTrajectoryNaive } from '../../../src/llm/scorer/scoreTrajectory.ts';
import { logitsKernelFor } from '../../../src/gpu/logitsKernel.ts';
import { scoringPath } from '../../../src/llm/scoringPath.ts';
import { liveGpuTensorCount } from '../../../src/llm/ort/ortRuntime.ts';
import { expectAllclose } from '../../util/allclose.ts';
import { loadTiny } from './loadTiny.ts';

const input = { question: 'What is 6 × 7?', cot: 'Six sevens.\n\nThat is 42.\n\nWait, check: 7 × 6 = 42.', answer: '42}' };
const EXPAND = "Non-zero status code returned while running Expand node. Name:'/model/attn_mask_reformat/attn_mask_subgraph/Expand' Status Message: invalid expand shape";

function refusing(model: LanguageModel, refuse: (tokens: number[], cache: CacheState) => boolean): LanguageModel {
  const m = Object.create(model) as LanguageModel;
  Object.defineProperty(m, 'forwardProbes', { value: undefined });
  m.forward = (tokens, cache) => (refuse(tokens, cache) ? Promise.reject(new Error(EXPAND)) : model.forward(tokens, cache));
  return m;
}

test('cached / one-token / re-encode paths are detected once per model and each gives J = re-encoding', async () => {
  const model = await loadTiny({ numKvHeads: 2, positionIds: true, seed: 3 }, { tokenizer: 'bytes' });
  try {
    const reference = await scoreTrajectoryNaive(model, input, { kernel: logitsKernelFor(model) });
    const oneToken = refusing(model, (t, c) => c.length > 0 && t.length > 1);
    const noCache = refusing(model, (_t, c) => c.length > 0);
    const cases: [LanguageModel, string][] = [[model, 'cached'], [oneToken, 'one-token'], [noCache, 're-encode']];
    for (const [m, path] of cases) {
      const info = await scoringPath(m);
      expect(info.path).toBe(path);
      if (path !== 'cached') expect(info.reason).toContain('invalid expand shape');
      expect(scoringPath(m)).toBe(scoringPath(m)); // detected once
      const tr = await scoreTrajectory(m, input, { kernel: logitsKernelFor(m) });
      expect(tr.cotTokens).toEqual(reference.cotTokens);
      expectAllclose(tr.J, reference.J, { atol: 1e-4, rtol: 0 });
      expectAllclose(tr.tokenEntropy, reference.tokenEntropy, { atol: 1e-4, rtol: 1e-4 });
    }
    expect((await scoringPath(oneToken)).note).toMatch(/^one token at a time/);
    expect(liveGpuTensorCount()).toBe(0);
  } finally {
    await model.dispose();
  }
});
