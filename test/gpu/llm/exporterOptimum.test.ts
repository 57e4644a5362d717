// Optimum exports (test/fixtures/onnx/optimumDecoder.ts: standard ops only, transformers' 4-D
// causal + padding mask from cache positions, rotary from position_ids, repeat_kv by Expand/Reshape
// for grouped-query attention), in Optimum's folder layout (model.onnx at the root beside
// config.json), loaded by hub id through the routed fake hub. Such a graph takes several tokens
// after a cache and honours a masked middle, so the scorer runs the cached path with batched
// probes (checked once against real branching); J equals re-encoding, greedy generation through
// the cache equals greedy decoding by re-encoding.
import { expect, test } from 'vitest';
import { OrtLanguageModel } from '../../../src/llm/ort/ortLanguageModel.ts';
import { probeBatching } from '../../../src/llm/scorer/scoreTrajectory.ts';
import { scoringPath } from '../../../src/llm/scoringPath.ts';
import { formPromptIds } from '../../../src/llm/promptIds.ts';
import { liveGpuTensorCount } from '../../../src/llm/ort/ortRuntime.ts';
import { buildOptimumDecoder } from '../../fixtures/onnx/optimumDecoder.ts';
import { BYTE_TOKENIZER_SIZE, byteTokenizerFiles } from '../../fixtures/onnx/byteTokenizer.ts';
import { fakeHub } from '../../fixtures/onnx/fakeHub.ts';
import { expectGreedyEqualsReencoding, expectSameJ } from './exporterChecks.ts';

const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
const input = { question: 'What is 6 × 7?', answer: '42' };

for (const [name, numKvHeads] of [['multi-head', 4], ['grouped-query (2 kv heads for 4)', 2]] as const) {
  test(`Optimum text-generation-with-past, ${name}: by hub id, cached path with batched probes, J = re-encoding, generation = re-encoding`, async () => {
    const built = buildOptimumDecoder({ vocabSize: BYTE_TOKENIZER_SIZE, hidden: 16, numLayers: 2, numHeads: 4, numKvHeads, seed: 21 + numKvHeads });
    const folder = new Map(byteTokenizerFiles());
    folder.set('config.json', enc(built.config));
    folder.set('generation_config.json', enc(built.generationConfig));
    folder.set('model.onnx', built.model);
    const id = `optimum-test/tiny-llama-kv${numKvHeads}`;
    const hub = fakeHub({ [id]: { folder } });
    const m = await OrtLanguageModel.load({ kind: 'hub', id }, { fetchImpl: hub.fetchImpl, useCache: false });
    try {
      const gpu = typeof navigator !== 'undefined' && navigator.gpu ? await navigator.gpu.requestAdapter() : null;
      expect(m.info.backend).toBe(gpu ? 'webgpu' : 'wasm');
      expect(m.info.weightsPath).toBe('model.onnx');
      expect([m.io.kvHeads, m.io.headDim, m.io.hasPositionIds]).toEqual([numKvHeads, 4, true]);
      expect((await scoringPath(m)).path).toBe('cached');

      const promptIds = formPromptIds(m.tokenizer, m.formatPrompt(input.question));
      const generated = await expectGreedyEqualsReencoding(m, promptIds, 8);
      const before = liveGpuTensorCount();
      await expectSameJ(m, { ...input, cot: `${m.tokenizer.decode(generated)}\n\nSix sevens.\n\nThat is 42.` }, 1e-4);
      expect(probeBatching(m)).toBe(true); // the batched probes passed the first-use check
      expect(liveGpuTensorCount()).toBe(before);
    } finally {
      await m.dispose();
    }
  });
}
