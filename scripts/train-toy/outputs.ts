// The files a finished run leaves in public/models/toy-reasoner/: the checkpoint (weights, config,
// tokenizer and the recipe in its metadata), the ONNX export and its Hugging Face config files.
import type { ModelConfig } from '../../src/engine/config.ts';
import { encodeCheckpoint } from '../../src/engine/checkpoint.ts';
import { jsonBytes, toyModelExport } from '../../src/engine/onnx/toyModelFolder.ts';
import { toHfTokenizerJson } from '../../src/task/tokenizer.ts';
import type { TrainToySpec } from './spec.ts';

export type OutputFiles = Record<string, Uint8Array>;

export function modelFiles(config: ModelConfig, params: Float32Array, spec: TrainToySpec, stepsDone: number): OutputFiles {
  return {
    'model.safetensors': encodeCheckpoint({
      config,
      params,
      tokenizer: JSON.stringify(toHfTokenizerJson()),
      metadata: { recipe: JSON.stringify(spec), sft_steps: String(stepsDone), producer: 'npm run train:toy' },
    }),
    ...toyModelExport(config, params),
  };
}

export const jsonFile = jsonBytes;

/** base64 of bytes, in chunks (String.fromCharCode has an argument limit). */
export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}
