// The worker's PEFT glue (issue #22 §3), for the model and training workers to expose over RPC:
// - exportAdapterFiles: a LoRA model's adapters in PEFT's format (adapter_config.json +
//   adapter_model.safetensors), loadable by PeftModel.from_pretrained;
// - exportMergedFolder: the base folder with the adapters merged (model.safetensors or shards,
//   config.json and the tokenizer files kept), loadable by from_pretrained with no PEFT;
// - readAdapterPick / openAdapted: a PEFT adapter folder the user picked (ours or anyone's for a
//   supported base), opened on our engine with its base for inspection (src/engine/lm/loadWithAdapter.ts),
//   or read for a LoRA model to keep training (its layout and flat params: LoraModelOptions.adapters).
// Files travel as path → bytes maps (a zip or one download per file is the UI's choice).
import type { GpuContext } from '../gpu/device.ts';
import type { SourceOptions } from '../llm/hub/modelSource.ts';
import type { ModelSource } from '../llm/hub/modelFiles.ts';
import type { LoraLayout } from '../engine/lora/loraLayout.ts';
import { exportPeftAdapter } from '../engine/lora/peftExport.ts';
import { mergedModelFiles } from '../engine/lora/mergeLora.ts';
import { adapterFor, readBaseFolder } from '../engine/lora/peftSource.ts';
import type { ImportedAdapter } from '../engine/lora/peftImport.ts';
import type { LlamaConfig } from '../engine/llamaConfig.ts';
import { loadEngineModelWithAdapter, type AdaptedModel } from '../engine/lm/loadWithAdapter.ts';

/** What an export needs of a LoRA model (LlamaLoraModel has both): the layout it trains and its adapters. */
export interface AdapterHolder {
  readonly layout: LoraLayout;
  getParams(): Promise<Float32Array>;
}

/** adapter_config.json + adapter_model.safetensors of the model's current adapters; `baseModel`: the base's hub id, null when it has none. */
export async function exportAdapterFiles(m: AdapterHolder, baseModel: string | null): Promise<Map<string, Uint8Array>> {
  return exportPeftAdapter(m.layout, await m.getParams(), { baseModel }).files;
}

/** The base folder with the model's adapters merged; `leftOut`: base weight files in other formats (not copied). */
export async function exportMergedFolder(m: AdapterHolder, base: ModelSource, opts: SourceOptions = {}): Promise<{ files: Map<string, Uint8Array>; leftOut: string[] }> {
  const params = await m.getParams();
  const b = await readBaseFolder(base, opts);
  const merged = mergedModelFiles(b.config, m.layout, params, b.files);
  return { files: merged.files, leftOut: [...b.skipped, ...merged.leftOut] };
}

/** The picked files of an adapter folder, path (relative to the pick) → bytes. */
export async function readAdapterPick(picked: readonly { path: string; file: Blob }[]): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for (const { path, file } of picked) out.set(path, new Uint8Array(await file.arrayBuffer()));
  return out;
}

/** An adapter read for a base config, to keep training it (LoraModelOptions.adapters = params, its layout's LoraConfig). */
export function adapterToTrain(config: LlamaConfig, files: ReadonlyMap<string, Uint8Array>): ImportedAdapter {
  return adapterFor(config, files);
}

/** The base with the adapter applied, on our engine (the merged weights), for the inspector. */
export function openAdapted(ctx: GpuContext, base: ModelSource, files: ReadonlyMap<string, Uint8Array>, name: string, opts: SourceOptions = {}): Promise<AdaptedModel> {
  return loadEngineModelWithAdapter(ctx, base, files, name, opts);
}
