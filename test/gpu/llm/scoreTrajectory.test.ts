// The KV-branching J-trajectory scorer against re-encoding every prefix from scratch, on
// test-built decoders with a small byte-level BPE tokenizer (SwiftShader is too slow for many
// steps at Qwen3's vocabulary; loading that size is covered in ortModel.test.ts): multi-head and
// grouped-query attention, with and without position_ids, float16 logits + KV, num_logits_to_keep.
// Both branching paths: batched probes from prefixes of one cache (the default where the graph
// honours the attention mask) and one branch per boundary (the fallback, checked here directly).
import { expect, test } from 'vitest';
import type { LanguageModel } from '../../../src/llm/types.ts';
import { probeBatching, scoreTrajectory, scoreTrajectoryBatched, scoreTrajectoryNaive, scoreTrajectorySequential } from '../../../src/llm/scorer/scoreTrajectory.ts';
import { logitsKernelFor } from '../../../src/gpu/logitsKernel.ts';
import { liveGpuTensorCount } from '../../../src/llm/ort/ortRuntime.ts';
import type { TinyDecoderOptions } from '../../fixtures/onnx/tinyDecoder.ts';
import { expectAllclose } from '../../util/allclose.ts';
import { loadTiny } from './loadTiny.ts';

const input = {
  question: 'What is 6 × 7?',
  cot: 'Six sevens.\n\nThat is 42.\n\nWait, check: 7 × 6 = 42.',
  answer: '42}',
};

// batched: whether the batched probes must pass the first-use check (a graph that takes its
// positions from the past length, not position_ids, cannot branch from a masked prefix).
const cases: [string, Partial<TinyDecoderOptions>, boolean][] = [
  ['MHA with position_ids', { numKvHeads: 4, positionIds: true }, true],
  ['GQA without position_ids', { numKvHeads: 2, positionIds: false, seed: 11 }, false],
  ['GQA, float16 logits and KV, num_logits_to_keep', { numKvHeads: 1, logitsDtype: 'float16', kvDtype: 'float16', numLogitsToKeep: true, seed: 5 }, true],
];

function expectSameTrajectory(fast: Awaited<ReturnType<typeof scoreTrajectory>>, slow: Awaited<ReturnType<typeof scoreTrajectory>>): void {
  expect(fast.cotTokens).toEqual(slow.cotTokens);
  expectAllclose(fast.J, slow.J, { atol: 1e-4, rtol: 0 });
  for (let k = 0; k < fast.J.length; k++) expectAllclose(fast.answerLogProbs[k], slow.answerLogProbs[k], { atol: 1e-4, rtol: 0 });
  expectAllclose(fast.tokenEntropy, slow.tokenEntropy, { atol: 1e-4, rtol: 1e-4 });
  expectAllclose(fast.firstTokenEntropy, slow.firstTokenEntropy, { atol: 1e-4, rtol: 1e-4 });
}

for (const [name, over, batched] of cases) {
  test(`cached J trajectory = naive re-encoding within 1e-4: ${name}`, async () => {
    const model = await loadTiny(over, { tokenizer: 'bytes' });
    try {
      if (over.kvDtype === 'float16' && !model.device?.features.has('shader-f16')) {
        // ORT's WebGPU kernels need shader-f16 for float16 tensors: the loader falls back to WASM and says so.
        expect(model.info.backend).toBe('wasm');
        expect(model.backendNote).toMatch(/shader-f16/);
      }
      const before = liveGpuTensorCount();
      const progress: [number, number][] = [];
      const fast = await scoreTrajectory(model, input, { kernel: logitsKernelFor(model), onProgress: (d, t) => progress.push([d, t]) });
      expect(liveGpuTensorCount()).toBe(before); // every probe branch and segment state freed
      expect(probeBatching(model)).toBe(batched);
      const slow = await scoreTrajectoryNaive(model, input, { kernel: logitsKernelFor(model) });
      expect(fast.segments.length).toBe(3);
      expect(fast.J.length).toBe(4);
      expect(progress.at(-1)).toEqual([4, 4]);
      for (let i = 1; i < progress.length; i++) expect(progress[i][0]).toBeGreaterThanOrEqual(progress[i - 1][0]);
      // the sequential path (one branch per boundary) on its own, and a second batched call
      const seqProgress: [number, number][] = [];
      expectSameTrajectory(await scoreTrajectorySequential(model, input, { kernel: logitsKernelFor(model), onProgress: (d, t) => seqProgress.push([d, t]) }), slow);
      expect(seqProgress).toEqual([[1, 4], [2, 4], [3, 4], [4, 4]]);
      expectSameTrajectory(await scoreTrajectory(model, input, { kernel: logitsKernelFor(model) }), slow);
      if (batched) {
        // Chunked calls, each cache cut at its chunk's longest prefix (rows 0 and 2 keep masked holes).
        expectSameTrajectory(await scoreTrajectoryBatched(model, input, { kernel: logitsKernelFor(model), probeChunks: 2 }), slow);
        expectSameTrajectory(await scoreTrajectoryBatched(model, input, { kernel: logitsKernelFor(model), probeChunks: 1 }), slow);
      }
      expect(liveGpuTensorCount()).toBe(before);
      expect(fast.tokenSpans.at(-1)!.end).toBe(fast.cotTokens.length);
      expectSameTrajectory(fast, slow);
      expect(fast.J.every((j) => Number.isFinite(j) && j < 0)).toBe(true);
      expect(fast.tokenEntropy.every((h) => h > 0 && h <= Math.log(model.info.vocabSize) + 1e-3)).toBe(true);
      // The answer is scored as the tokens that follow the probe: "42}" after "\\boxed{".
      expect(model.tokenizer.decode(model.tokenizer.encode(fast.probe + input.answer, { addSpecialTokens: false }))).toBe(fast.probe + input.answer);
      expect(fast.answerLogProbs[0].length).toBeGreaterThan(0);
    } finally {
      await model.dispose();
    }
  });
}

test('batched probes that disagree with real branching are caught on first use; the model is then scored sequentially', async () => {
  const model = await loadTiny({ numKvHeads: 2, positionIds: true, seed: 3 }, { tokenizer: 'bytes' });
  try {
    // A graph that ignores the mask: every probe continues the whole cache.
    const lying: LanguageModel = {
      info: model.info, tokenizer: model.tokenizer, device: model.device, defaultProbe: model.defaultProbe,
      formatPrompt: (q) => model.formatPrompt(q),
      emptyCache: () => model.emptyCache(),
      forward: (tokens, cache) => model.forward(tokens, cache),
      generate: (ids, o, cb) => model.generate(ids, o, cb),
      dispose: () => model.dispose(),
      maxProbeRows: (n) => model.maxProbeRows(n),
      forwardProbes: (cache, prefixLengths, tokens) => model.forwardProbes(cache, prefixLengths.map(() => cache.length), tokens),
    };
    const slow = await scoreTrajectoryNaive(model, input, { kernel: logitsKernelFor(model) });
    expectSameTrajectory(await scoreTrajectory(lying, input, { kernel: logitsKernelFor(lying) }), slow);
    expect(probeBatching(lying)).toBe(false);
    expectSameTrajectory(await scoreTrajectory(lying, input, { kernel: logitsKernelFor(lying) }), slow);
  } finally {
    await model.dispose();
  }
});
