// The toy GPT-2 (a bundled folder, or a checkpoint from the training screen) opened on our engine:
// model.safetensors in the toy checkpoint format (src/engine/checkpoint.ts) plus the folder's
// tokenizer and config (its repro_probe is the answer marker, repro-method.md §3).
import type { GpuContext } from '../../gpu/device.ts';
import { decodeCheckpoint } from '../checkpoint.ts';
import { loadTokenizer, optionalJson } from '../../llm/hub/modelSource.ts';
import { eosTokenIds } from '../../llm/hub/modelConfig.ts';
import type { FetchFile } from '../../llm/hub/modelFiles.ts';
import { ModelLoadError } from '../../llm/hub/modelLoadError.ts';
import { contextLengthOf } from '../../llm/representability.ts';
import { toyEngineModel } from './toyEngineModel.ts';
import type { EngineLanguageModel } from './engineLanguageModel.ts';

/** The toy checkpoint's weights file in a model folder. */
export const TOY_WEIGHTS_FILE = 'model.safetensors';

export async function loadToyEngine(ctx: GpuContext, id: string, fetchFile: FetchFile, available?: string[]): Promise<EngineLanguageModel> {
  const bytes = await fetchFile(TOY_WEIGHTS_FILE);
  let ck;
  try {
    ck = decodeCheckpoint(bytes);
  } catch (e) {
    throw new ModelLoadError('corrupt-file', `${id}: ${TOY_WEIGHTS_FILE} is not a usable toy-reasoner checkpoint: ${(e as Error).message}`, { file: TOY_WEIGHTS_FILE, cause: e });
  }
  const config = await optionalJson(fetchFile, 'config.json');
  const generation = await optionalJson(fetchFile, 'generation_config.json');
  const tokenizer = await loadTokenizer(fetchFile, available);
  if (tokenizer.vocabSize !== ck.config.vocabSize) {
    throw new ModelLoadError('corrupt-file', `${id}: the checkpoint's vocabulary has ${ck.config.vocabSize} tokens, its tokenizer ${tokenizer.vocabSize}`, { file: TOY_WEIGHTS_FILE });
  }
  const probe = config['repro_probe'];
  return toyEngineModel(ctx, ck.config, ck.params, tokenizer, {
    id, dtype: 'f32', weightsPath: TOY_WEIGHTS_FILE, thinking: tokenizer.thinking,
    eosIds: eosTokenIds(generation, config), contextLength: contextLengthOf(config) ?? ck.config.blockSize, unkTokenId: tokenizer.unkTokenId,
  }, typeof probe === 'string' && probe.length > 0 ? probe : undefined);
}
