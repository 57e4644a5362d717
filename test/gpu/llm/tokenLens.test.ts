// The token lens (issue #17 §1: Trajectory.tokenLens, the top-k alternatives of every CoT token)
// from every scoring path — batched, sequential, one token at a time, re-encoding — on the GPU
// path (top-k kernel over ORT WebGPU logits) and the CPU-logits path (ORT WASM, the float64
// reference), held to an independent reference: the CoT pass's logits read back whole, log-softmax
// and a full sort in float64 here. Also checks the entropy of the same rows brackets the listed mass.
import { expect, test } from 'vitest';
import type { LanguageModel } from '../../../src/llm/types.ts';
import type { Trajectory } from '../../../src/repro/types.ts';
import { scoreTrajectory, scoreTrajectoryNaive, scoreTrajectorySequential, type ScoreOptions } from '../../../src/llm/scorer/scoreTrajectory.ts';
import { scorerTokens } from '../../../src/llm/scorer/scorerTokens.ts';
import { oneTokenAfterCache } from '../../../src/llm/scoringPath.ts';
import { readLogitsRow } from '../../../src/llm/logitsRow.ts';
import { logitsKernelFor, logitsTopKFor } from '../../../src/gpu/logitsKernel.ts';
import type { TinyDecoderOptions } from '../../fixtures/onnx/tinyDecoder.ts';
import { loadTiny } from './loadTiny.ts';

// Three segments, short: on ORT WebGPU (SwiftShader) every new sequence length compiles shaders, and
// the re-encoding and one-token paths make one call per CoT token.
const input = {
  question: 'What is 6 × 7?',
  cot: 'Six 7s.\n\nIt is 42.\n\nCheck: 42.',
  answer: '42}',
};

interface RefRow { order: number[]; logp: Float64Array }

/** Rows P − 1 … P + N − 2 of one plain forward (they predict CoT tokens 0 … N − 1), log-softmax in float64. */
async function referenceRows(model: LanguageModel, t: Trajectory): Promise<RefRow[]> {
  const tok = scorerTokens(model.tokenizer, { prompt: model.formatPrompt(input.question), cot: input.cot, answer: input.answer, probe: t.probe });
  expect(tok.cotTokens).toEqual(t.cotTokens);
  const P = tok.promptIds.length;
  const r = await model.forward(tok.promptIds.concat(t.cotTokens), model.emptyCache());
  try {
    const rows: RefRow[] = [];
    for (let i = 0; i < t.cotTokens.length; i++) {
      const x = await readLogitsRow(r.logits, P - 1 + i, model.device);
      let m = -Infinity;
      for (const v of x) m = Math.max(m, v);
      let s = 0;
      for (const v of x) s += Math.exp(v - m);
      const lse = m + Math.log(s);
      const logp = Float64Array.from(x, (v) => v - lse);
      const order = Array.from(x, (_, j) => j).sort((a, b) => x[b] - x[a] || a - b);
      rows.push({ order, logp });
    }
    return rows;
  } finally {
    r.dispose();
    r.cache.dispose();
  }
}

function expectLens(t: Trajectory, ref: RefRow[], k: number, vocab: number, decode: (id: number) => string): void {
  const l = t.tokenLens!;
  expect(l).toBeDefined();
  expect(l.k).toBe(k);
  const N = t.cotTokens.length;
  for (const key of ['ids', 'logProbs', 'chosenLogProb', 'chosenRank'] as const) expect(l[key]).toHaveLength(N);
  for (let i = 0; i < N; i++) {
    const { order, logp } = ref[i];
    const c = t.cotTokens[i];
    expect(l.ids[i]).toHaveLength(k);
    // Same ids in the same order, except where two logits are within float noise of each other.
    for (let s = 0; s < k; s++) {
      if (l.ids[i][s] !== order[s]) expect(Math.abs(logp[l.ids[i][s]] - logp[order[s]])).toBeLessThan(1e-5);
      expect(Math.abs(l.logProbs[i][s] - logp[order[s]])).toBeLessThan(2e-4);
      if (s > 0) expect(l.logProbs[i][s]).toBeLessThanOrEqual(l.logProbs[i][s - 1]);
    }
    expect(l.chosenRank[i]).toBe(order.indexOf(c));
    expect(Math.abs(l.chosenLogProb[i] - logp[c])).toBeLessThan(2e-4);
    if (l.chosenRank[i] < k) expect(l.ids[i][l.chosenRank[i]]).toBe(c);
    // Entropy-level sanity: the listed tokens' share of H is a lower bound, and the rest at most
    // spreads its mass evenly over the V − k unlisted tokens.
    const p = l.logProbs[i].map(Math.exp);
    const mass = p.reduce((a, b) => a + b, 0);
    expect(mass).toBeLessThanOrEqual(1 + 1e-5);
    const listedH = -p.reduce((a, pi, s) => a + pi * l.logProbs[i][s], 0);
    const rest = Math.max(0, 1 - mass);
    const restMax = rest > 0 ? -rest * Math.log(rest / (vocab - k)) : 0;
    expect(t.tokenEntropy[i]).toBeGreaterThanOrEqual(listedH - 1e-4);
    expect(t.tokenEntropy[i]).toBeLessThanOrEqual(listedH + restMax + 1e-4);
    // The alternatives' text, decoded by the model's tokenizer.
    for (const id of l.ids[i]) expect(t.tokenText![String(id)]).toBe(decode(id));
  }
}

const cases: [string, Partial<TinyDecoderOptions>, 'webgpu' | 'wasm'][] = [
  ['GPU path: top-k kernel on ORT WebGPU float32 logits', { numKvHeads: 4, positionIds: true }, 'webgpu'],
  ['CPU-logits path: ORT WASM, the float64 reference', { numKvHeads: 2, positionIds: true, seed: 11 }, 'wasm'],
];

for (const [name, over, backend] of cases) {
  test(`tokenLens of every scoring path = the read-back reference: ${name}`, async () => {
    const model = await loadTiny(over, { tokenizer: 'bytes', backend });
    try {
      expect(model.info.backend).toBe(backend);
      if (backend === 'webgpu') expect(model.device).toBeDefined();
      const decode = (id: number) => model.tokenizer.decode([id], { skipSpecialTokens: false });
      const V = model.info.vocabSize;
      const opts: ScoreOptions = { kernel: logitsKernelFor(model), topK: logitsTopKFor(model) };
      const batched = await scoreTrajectory(model, input, opts);
      const ref = await referenceRows(model, batched);
      // The CoT has tokens the model finds unlikely (a random decoder): some ranks lie beyond k.
      expectLens(batched, ref, 10, V, decode);
      expect(batched.tokenLens!.chosenRank.some((r) => r >= 10)).toBe(true);
      expectLens(await scoreTrajectorySequential(model, input, opts), ref, 10, V, decode);
      expectLens(await scoreTrajectoryNaive(model, input, { ...opts, lensK: 20 }), ref, 20, V, decode);
      expectLens(await scoreTrajectorySequential(oneTokenAfterCache(model), input, { ...opts, lensK: 1 }), ref, 1, V, decode);
      // Without the top-k function no lens is made (callers that do not ask pay nothing).
      expect((await scoreTrajectory(model, input, { kernel: opts.kernel })).tokenLens).toBeUndefined();
      // k outside 1…20 is refused before any model work, naming the setting.
      for (const bad of [0, 21, 2.5]) {
        await expect(scoreTrajectory(model, input, { ...opts, lensK: bad })).rejects.toThrow(/lensK\) = .* must be an integer in \[1, 20\]/);
      }
    } finally {
      await model.dispose();
    }
  });
}
