// A supported base with a PEFT adapter applied, on our engine, for inspection (generate, score,
// token lens): the base's folder merged with the adapter in memory (W + s·B·A in the base's dtype,
// src/engine/lora/peftSource.ts) and opened by the engine's own loader, so every path that runs a
// loaded model runs the adapted one. The base stays unchanged; the adapter is not trained here.
import type { GpuContext } from '../../gpu/device.ts';
import type { ModelSource } from '../../llm/hub/modelFiles.ts';
import type { ImportedAdapter } from '../lora/peftImport.ts';
import { mergedSource } from '../lora/peftSource.ts';
import type { EngineLanguageModel } from './engineLanguageModel.ts';
import { loadEngineModel, type EngineLoadOptions } from './loadEngineModel.ts';

export interface AdaptedModel {
  model: EngineLanguageModel;
  adapter: ImportedAdapter;
  /** the adapter's notes, a base other than the one it names, base files left out */
  notes: string[];
}

/** `adapterFiles`: the picked adapter folder's files (adapter_config.json + adapter_model.safetensors, paths relative to the pick). */
export async function loadEngineModelWithAdapter(
  ctx: GpuContext, base: ModelSource, adapterFiles: ReadonlyMap<string, Uint8Array>, adapterName: string, opts: EngineLoadOptions = {},
): Promise<AdaptedModel> {
  const m = await mergedSource(base, adapterFiles, adapterName, opts);
  const model = await loadEngineModel(ctx, m.source, { ...opts, onProgress: undefined });
  const notes = [...m.notes];
  if (m.leftOut.length > 0) notes.push(`left out of the merged folder (weights in other formats): ${m.leftOut.join(', ')}.`);
  return { model, adapter: m.adapter, notes };
}
