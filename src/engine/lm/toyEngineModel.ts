// The toy GPT-2 (a bundled or trained checkpoint) as a LanguageModel on our engine: the same
// weights the training engine runs, with the toy task's tokenizer and answer-marker probe.
import type { GpuContext } from '../../gpu/device.ts';
import { STORAGE, uploadBuffer } from '../../gpu/buffers.ts';
import { paramLayout, validateConfig, type ModelConfig } from '../config.ts';
import { KvStore } from '../gpu/kvStore.ts';
import { toyWeights } from '../gpu/weights.ts';
import type { ModelInfo } from '../../llm/types.ts';
import { EngineLanguageModel, type EngineTokenizer } from './engineLanguageModel.ts';

export function toyEngineModel(
  ctx: GpuContext, config: ModelConfig, params: Float32Array, tokenizer: EngineTokenizer,
  info: Omit<ModelInfo, 'runtime' | 'backend' | 'vocabSize' | 'numLayers'>, probe?: string,
): EngineLanguageModel {
  validateConfig(config);
  const total = paramLayout(config).total;
  if (params.length !== total) throw new RangeError(`params has ${params.length} elements, the config needs ${total}`);
  const buf = uploadBuffer(ctx.device, params, STORAGE, 'engine toy params');
  return new EngineLanguageModel({
    ctx, config, tokenizer, info, probe,
    weights: toyWeights(config, buf, true),
    kv: new KvStore(ctx, config.nLayer, config.nEmbd),
    maxRows: Math.min(512, 4 * config.blockSize),
  });
}
