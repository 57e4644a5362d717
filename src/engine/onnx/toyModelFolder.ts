// A toy-reasoner checkpoint as a complete onnx-community model folder (ONNX export, Hugging Face
// config files, the toy tokenizer), so trained weights load through the same ORT path as every
// other model — the inspector opens a GRPO run's current weights this way.
import type { ModelConfig } from '../config.ts';
import { exportOnnx } from './export.ts';
import { exportGenerationConfig, exportHfConfig } from './hfConfig.ts';
import { toHfTokenizerConfig, toHfTokenizerJson } from '../../task/tokenizer.ts';
import { BOS_ID, EOS_ID, PAD_ID, VOCAB } from '../../task/vocab.ts';
import { ANSWER_MARKER } from '../../task/format.ts';

export type ModelFolder = Record<string, Uint8Array>;

/** Pretty-printed JSON file bytes, as the Hugging Face config files are written. */
export const jsonBytes = (x: unknown): Uint8Array => new TextEncoder().encode(`${JSON.stringify(x, null, 2)}\n`);

/** config.json, generation_config.json and onnx/model.onnx of a toy-task model. */
export function toyModelExport(config: ModelConfig, params: Float32Array): ModelFolder {
  return { 'onnx/model.onnx': exportOnnx(config, params), ...toyConfigFiles(config) };
}

/** config.json and generation_config.json of a toy-task model (no weights). */
export function toyConfigFiles(config: ModelConfig): ModelFolder {
  const ids = { bosTokenId: BOS_ID, eosTokenId: EOS_ID, padTokenId: PAD_ID };
  return {
    // repro_probe: the toy model's J probe is its own answer marker (repro-method.md §3).
    'config.json': jsonBytes(exportHfConfig(config, { ...ids, repro_probe: ANSWER_MARKER })),
    'generation_config.json': jsonBytes(exportGenerationConfig({ ...ids, maxLength: config.blockSize })),
  };
}

/** The toy tokenizer's files (tokenizer.json, tokenizer_config.json). */
export function toyTokenizerFiles(): ModelFolder {
  return { 'tokenizer.json': jsonBytes(toHfTokenizerJson()), 'tokenizer_config.json': jsonBytes(toHfTokenizerConfig()) };
}

/** The whole folder, tokenizer included; the checkpoint must be of the toy task's vocabulary. */
export function toyModelFolder(config: ModelConfig, params: Float32Array): ModelFolder {
  if (config.vocabSize !== VOCAB.length) {
    throw new RangeError(
      `checkpoint vocabulary has ${config.vocabSize} tokens, the toy task's tokenizer ${VOCAB.length}: ` +
      'only toy-reasoner checkpoints (npm run train:toy, or a GRPO run of the training screen) can be opened this way',
    );
  }
  return { ...toyModelExport(config, params), ...toyTokenizerFiles() };
}
