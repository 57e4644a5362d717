// Opens a Llama-family model from a hub id, a picked folder or any FetchFile source on our own
// engine: config.json → LlamaConfig (refused with the reason when the engine cannot run it), the
// tokenizer and chat template (the same code as the ONNX Runtime backend, src/llm/hub/), then the
// safetensors streamed to the GPU tensor by tensor with progress and cancel, checked against the
// adapter's buffer limits before any weight byte is read when config.json names its dtype.
import type { GpuContext } from '../../gpu/device.ts';
import { filesOf, listSource, loadTokenizer, type SourceOptions } from '../../llm/hub/modelSource.ts';
import { readConfigFiles, eosTokenIds } from '../../llm/hub/modelConfig.ts';
import type { ModelSource } from '../../llm/hub/modelFiles.ts';
import { ModelLoadError } from '../../llm/hub/modelLoadError.ts';
import { contextLengthOf } from '../../llm/representability.ts';
import { declaredWeightDtype, llamaConfigFromHf } from '../hf/hfConfig.ts';
import { hasOnnxExport, weightLayout } from '../hf/repoFiles.ts';
import { streamLlamaWeights, type WeightProgress } from '../hf/llamaWeightStream.ts';
import { LlamaGpuWeightsBuilder } from '../hf/llamaGpuWeights.ts';
import { KvStore } from '../gpu/kvStore.ts';
import { EngineLanguageModel } from './engineLanguageModel.ts';

export interface EngineLoadOptions extends SourceOptions {
  /** Weight progress (file bytes, tensors uploaded). */
  onWeights?: (p: WeightProgress) => void;
  /** Bytes all weights may take on the GPU (no WebGPU API reports memory: a budget), default none. */
  weightBudgetBytes?: number;
  /** Rows per inference chunk (scratch); default 512. */
  maxRows?: number;
}

export async function loadEngineModel(ctx: GpuContext, source: ModelSource, opts: EngineLoadOptions = {}): Promise<EngineLanguageModel> {
  const files = filesOf(source, opts);
  const { available } = await listSource(source, files, opts);
  const has = (p: string) => available === undefined || available.includes(p);
  const { config: configJson, generationConfig } = await readConfigFiles(files.fetchFile, has);
  const config = llamaConfigFromHf(configJson, { hasOnnx: available ? hasOnnxExport(available) : false });
  const tokenizer = await loadTokenizer(files.fetchFile, available);
  if (opts.signal?.aborted) throw new ModelLoadError('aborted', 'Model loading was cancelled.');

  const limits = { maxStorageBufferBindingSize: ctx.device.limits.maxStorageBufferBindingSize, maxBufferSize: ctx.device.limits.maxBufferSize, budgetBytes: opts.weightBudgetBytes };
  const builder = new LlamaGpuWeightsBuilder(ctx.device, config);
  let read;
  try {
    read = await streamLlamaWeights({ fetchFile: files.fetchFile, openFile: files.openFile, available }, config, {
      limits, declaredDtype: declaredWeightDtype(configJson), name: files.id, signal: opts.signal,
      onTensor: (t) => builder.add(t), onProgress: opts.onWeights,
    });
  } catch (e) {
    builder.destroy();
    throw e;
  }
  const weights = builder.finish();
  const probe = configJson['repro_probe'];
  const layout = available ? weightLayout(available) : read.layout;
  return new EngineLanguageModel({
    ctx, config, tokenizer, weights,
    kv: new KvStore(ctx, config.nLayer, config.nKvHead * config.headDim),
    probe: typeof probe === 'string' && probe.length > 0 ? probe : undefined,
    maxRows: opts.maxRows,
    info: {
      id: files.id,
      dtype: read.dtypes.map((d) => d.toLowerCase()).join('+'),
      weightsPath: layout.kind === 'single' ? layout.file : layout.index,
      thinking: tokenizer.thinking,
      eosIds: eosTokenIds(generationConfig, configJson),
      contextLength: contextLengthOf(configJson),
      unkTokenId: tokenizer.unkTokenId,
      // the KV cache grows with the sequences held (f32 keys and values of every layer); shown per 1 024 tokens
      estimate: { weightBytes: read.gpuBytes, kvBytes: 1024 * config.nLayer * 2 * config.nKvHead * config.headDim * 4, contextTokens: 1024, embeddingBytes: null },
    },
  });
}
