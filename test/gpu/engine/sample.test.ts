// GpuModel.sample (batched, KV cache on the GPU) against the CPU reference's naive sampling
// (re-encoding the whole prefix each step), and cached vs uncached consistency on the GPU.
import { describe, expect, it } from 'vitest';
import { GpuModel } from '../../../src/engine/gpu/model.ts';
import { CpuModel } from '../../../src/engine/cpu/cpuModel.ts';
import type { SamplingOptions } from '../../../src/engine/types.ts';
import { expectAllclose } from '../../util/allclose.ts';
import { gpu, randomParams, SMALL } from './helpers.ts';

// prompts of different lengths; the 6-token one reaches blockSize + 1 = 9 tokens and stops early
const PROMPTS = [[1], [4, 2, 7], [3, 3, 0, 12, 5, 9], [8, 6]];

async function pair(seed: number, maxBatchTokens = 64) {
  const params = Float32Array.from(randomParams(SMALL, seed, 0.5));
  return { g: await GpuModel.create(await gpu(), SMALL, params, { maxBatchTokens }), c: new CpuModel(SMALL, params) };
}

function expectSameSamples(g: { tokens: number[][]; entropy: number[][] }, c: { tokens: number[][]; entropy: number[][] }) {
  expect(g.tokens).toEqual(c.tokens);
  g.entropy.forEach((e, b) => expectAllclose(e, c.entropy[b], { rtol: 1e-4, atol: 1e-5 }));
}

describe('GpuModel.sample', () => {
  it('greedy equals the CPU reference token for token, with per-token entropies', async () => {
    const { g, c } = await pair(8);
    const opts: SamplingOptions = { maxNewTokens: 6, temperature: 0, topK: 0, topP: 1, seed: 1, stopIds: [] };
    const rg = await g.sample(PROMPTS, opts);
    const rc = await c.sample(PROMPTS, opts);
    expectSameSamples(rg, rc);
    expect(rg.tokens.map((t) => t.length)).toEqual([6, 6, 3, 6]); // blockSize cut on the long prompt
    g.dispose();
  });

  it('seeded temperature/top-k/top-p sampling and stop ids follow the CPU reference', async () => {
    const { g, c } = await pair(12, 8); // maxBatchTokens = blockSize: the prefill runs in chunks
    for (const seed of [1, 2, 3]) {
      const opts: SamplingOptions = { maxNewTokens: 7, temperature: 0.9, topK: 6, topP: 0.95, seed, stopIds: [2, 5] };
      const rg = await g.sample(PROMPTS, opts);
      expectSameSamples(rg, await c.sample(PROMPTS, opts));
      rg.tokens.forEach((t) => t.slice(0, -1).forEach((id) => expect([2, 5]).not.toContain(id)));
    }
    g.dispose();
  });

  it('cached decoding equals an uncached GPU forward over the generated sequences', async () => {
    const { g } = await pair(5);
    const opts: SamplingOptions = { maxNewTokens: 5, temperature: 1, topK: 0, topP: 1, seed: 7, stopIds: [] };
    const prompts = [[1, 2], [7, 3, 4]];
    const r = await g.sample(prompts, opts);
    for (let b = 0; b < prompts.length; b++) {
      const seq = prompts[b].concat(r.tokens[b]);
      const T = seq.length - 1;
      const inputs = Int32Array.from(seq.slice(0, -1));
      const targets = Int32Array.from(seq.slice(1));
      const f = await g.forward(inputs, targets, 1, T);
      const fromPrompt = Array.from(f.entropy.slice(prompts[b].length - 1));
      expectAllclose(r.entropy[b], fromPrompt, { rtol: 1e-4, atol: 1e-5 });
    }
    g.dispose();
  });

  it('rejects bad prompts naming the index', async () => {
    const { g } = await pair(1);
    const opts: SamplingOptions = { maxNewTokens: 2, temperature: 0, topK: 0, topP: 1, seed: 1, stopIds: [] };
    await expect(g.sample([[1], [2, 99]], opts)).rejects.toThrow(/prompts\[1\]\[1\] = 99/);
    await expect(g.sample([[1], []], opts)).rejects.toThrow(/prompts\[1\] is empty/);
    g.dispose();
  });
});
