// The transformers.js conversion scripts' legacy layout: onnx/decoder_model_merged.onnx (Optimum's
// merged decoder: a use_cache_branch input and an If node selecting the with-past or the
// without-past subgraph, weights shared in the main graph) and its q8 file
// onnx/decoder_model_merged_quantized.onnx, loaded by hub id through the routed fake hub. The
// loader feeds use_cache_branch (false on the first step, true after a cache); J equals
// re-encoding and greedy generation through the cache equals greedy decoding by re-encoding.
import { expect, test } from 'vitest';
import { OrtLanguageModel } from '../../../src/llm/ort/ortLanguageModel.ts';
import { probeBatching } from '../../../src/llm/scorer/scoreTrajectory.ts';
import { scoringPath } from '../../../src/llm/scoringPath.ts';
import { formPromptIds } from '../../../src/llm/promptIds.ts';
import { buildTinyDecoder } from '../../fixtures/onnx/tinyDecoder.ts';
import { modelFolder } from '../../fixtures/onnx/modelFolder.ts';
import { BYTE_TOKENIZER_SIZE, byteTokenizerFiles } from '../../fixtures/onnx/byteTokenizer.ts';
import { fakeHub } from '../../fixtures/onnx/fakeHub.ts';
import { expectGreedyEqualsReencoding, expectSameJ } from './exporterChecks.ts';

const input = { question: 'What is 6 × 7?', answer: '42' };

test('transformers.js merged decoder (use_cache_branch + If) by hub id: fp32 and _quantized names, cached path, J = re-encoding, generation = re-encoding', async () => {
  const built = buildTinyDecoder({ vocabSize: BYTE_TOKENIZER_SIZE, hidden: 16, numLayers: 2, numHeads: 4, numKvHeads: 2, positionIds: true, mergedDecoder: true, seed: 17 });
  const folder = modelFolder(built, byteTokenizerFiles());
  folder.set('onnx/decoder_model_merged.onnx', folder.get('onnx/model.onnx')!);
  folder.set('onnx/decoder_model_merged_quantized.onnx', folder.get('onnx/model.onnx')!);
  folder.delete('onnx/model.onnx');
  const id = 'Xenova/tiny-merged-decoder';
  const hub = fakeHub({ [id]: { folder } });
  const q8 = await OrtLanguageModel.load({ kind: 'hub', id }, { fetchImpl: hub.fetchImpl, useCache: false, dtype: 'q8' });
  expect(q8.info.weightsPath).toBe('onnx/decoder_model_merged_quantized.onnx');
  await q8.dispose();

  const m = await OrtLanguageModel.load({ kind: 'hub', id }, { fetchImpl: hub.fetchImpl, useCache: false });
  try {
    expect(m.info.weightsPath).toBe('onnx/decoder_model_merged.onnx');
    expect(m.info.availableDtypes).toEqual(['fp32', 'q8']);
    expect(m.io.hasUseCacheBranch).toBe(true);
    const gpu = typeof navigator !== 'undefined' && navigator.gpu ? await navigator.gpu.requestAdapter() : null;
    expect(m.info.backend).toBe(gpu ? 'webgpu' : 'wasm');
    expect((await scoringPath(m)).path).toBe('cached');
    const promptIds = formPromptIds(m.tokenizer, m.formatPrompt(input.question));
    const generated = await expectGreedyEqualsReencoding(m, promptIds, 8);
    await expectSameJ(m, { ...input, cot: `${m.tokenizer.decode(generated)}\n\nSix sevens.\n\nThat is 42.` }, 1e-4);
    expect(probeBatching(m)).toBe(true);
  } finally {
    await m.dispose();
  }
});
