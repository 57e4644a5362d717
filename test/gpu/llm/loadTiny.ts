// Test helper: a tiny test-built decoder + the real Qwen3 tokenizer, loaded through the same
// local-files path a user takes (a picked folder).
import { OrtLanguageModel } from '../../../src/llm/ort/ortLanguageModel.ts';
import type { OrtLoadOptions } from '../../../src/llm/ort/ortModelLoader.ts';
import { buildTinyDecoder, type TinyDecoderOptions } from '../../fixtures/onnx/tinyDecoder.ts';
import { asPickedFiles, modelFolder } from '../../fixtures/onnx/modelFolder.ts';
import { QWEN3_VOCAB, qwen3TokenizerFiles } from '../../fixtures/onnx/npmTokenizers.ts';
import { BYTE_TOKENIZER_SIZE, byteTokenizerFiles } from '../../fixtures/onnx/byteTokenizer.ts';

export const TINY: TinyDecoderOptions = { vocabSize: QWEN3_VOCAB, hidden: 16, numLayers: 2, numHeads: 4, numKvHeads: 4, positionIds: true, seed: 7 };

export async function loadTiny(over: Partial<TinyDecoderOptions> = {}, opts: OrtLoadOptions & { tokenizer?: 'qwen3' | 'bytes' } = {}): Promise<OrtLanguageModel> {
  const bytes = opts.tokenizer === 'bytes';
  const built = buildTinyDecoder({ ...TINY, ...(bytes ? { vocabSize: BYTE_TOKENIZER_SIZE } : {}), ...over });
  const files = asPickedFiles(modelFolder(built, bytes ? byteTokenizerFiles() : await qwen3TokenizerFiles()), 'tiny-qwen3');
  return OrtLanguageModel.load({ kind: 'files', files, name: 'tiny-qwen3' }, opts);
}
