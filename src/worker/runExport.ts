// Exports of a LoRA run (issue #22 §3) from its checkpoint — the adapters it holds, laid out by the
// run's LoraConfig on the base's config — with no GPU work: the adapter in PEFT's format
// (./peftHost.ts exportAdapterFiles, base_model_name_or_path = the hub id when the base has one),
// and the base folder with the adapter merged (exportMergedFolder, the base's files read from its source).
import type { LlamaConfig } from '../engine/llamaConfig.ts';
import { loraLayout } from '../engine/lora/loraLayout.ts';
import type { SourceOptions } from '../llm/hub/modelSource.ts';
import { modelSourceOf } from './engineRun.ts';
import { exportAdapterFiles, exportMergedFolder, type AdapterHolder } from './peftHost.ts';
import { isEngineModel, type EngineRunModel } from './runModel.ts';
import type { RunSpec } from './trainingApi.ts';

/** The run's adapters as PEFT's export reads them; throws for a toy run (it has no adapters). */
export function adapterHolder(spec: RunSpec, modelConfig: unknown, params: Float32Array): AdapterHolder & { model: EngineRunModel } {
  if (!isEngineModel(spec.model)) throw new Error(`run "${spec.runId}" trains the toy model's full weights: it has no LoRA adapter to export (use the checkpoint or ONNX export)`);
  const layout = loraLayout(modelConfig as LlamaConfig, spec.model.lora);
  if (params.length !== layout.total) throw new RangeError(`run "${spec.runId}": the checkpoint holds ${params.length} adapter values, its LoRA settings need ${layout.total}`);
  return { layout, getParams: async () => params, model: spec.model };
}

export async function peftFilesOf(spec: RunSpec, modelConfig: unknown, params: Float32Array): Promise<Record<string, Uint8Array>> {
  const a = adapterHolder(spec, modelConfig, params);
  const s = a.model.source;
  return Object.fromEntries(await exportAdapterFiles(a, s.kind === 'hub' ? s.id : null));
}

export async function mergedFolderOf(spec: RunSpec, modelConfig: unknown, params: Float32Array, opts: SourceOptions = {}): Promise<{ files: Record<string, Uint8Array>; leftOut: string[] }> {
  const a = adapterHolder(spec, modelConfig, params);
  const r = await exportMergedFolder(a, modelSourceOf(a.model.source, opts.fetchImpl), opts);
  return { files: Object.fromEntries(r.files), leftOut: r.leftOut };
}
