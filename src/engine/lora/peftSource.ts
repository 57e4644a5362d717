// PEFT adapters as the app reads and writes them, on any model source (hub id, picked folder,
// in-memory folder; src/llm/hub/modelSource.ts):
// - findAdapterFiles: adapter_config.json + adapter_model.safetensors among picked files (at the
//   top or in one folder, as a PEFT save or a hub adapter repo holds them);
// - readBaseFolder: every file of a base the merged folder needs (weights in other formats and
//   ONNX exports not even read);
// - mergedSource: base + adapter merged (W + s·B·A in f32, ./mergeLora.ts) as an in-memory ModelSource,
//   which the engine's loader opens like any folder — how an imported adapter is inspected
//   (generation, scoring) without a LoRA-aware inference path.
import { filesOf, listSource, type SourceOptions } from '../../llm/hub/modelSource.ts';
import { ModelLoadError, parseJsonFile } from '../../llm/hub/modelLoadError.ts';
import type { FetchFile, ModelSource } from '../../llm/hub/modelFiles.ts';
import { llamaConfigFromHf } from '../hf/hfConfig.ts';
import type { LlamaConfig } from '../llamaConfig.ts';
import { isOtherWeightFormat, mergedModelFiles } from './mergeLora.ts';
import { ADAPTER_CONFIG_FILE, ADAPTER_WEIGHTS_FILE } from './peftConfig.ts';
import { importPeftAdapter, parseAdapterConfigBytes, type ImportedAdapter } from './peftImport.ts';

/** adapter_config.json and adapter_model.safetensors among `files` (paths relative to what was picked). */
export function findAdapterFiles(files: ReadonlyMap<string, Uint8Array>): { config: Uint8Array; weights: Uint8Array; folder: string } {
  const byName = (name: string) => [...files.keys()].filter((p) => p === name || p.endsWith(`/${name}`));
  const configs = byName(ADAPTER_CONFIG_FILE);
  if (configs.length === 0) {
    const bin = [...files.keys()].some((p) => p.endsWith('adapter_model.bin'));
    const why = bin ? ' It holds adapter_model.bin (a pickle): save the adapter with safetensors (PEFT\'s default since 0.6).' : '';
    throw new ModelLoadError('missing-file', `The picked files hold no ${ADAPTER_CONFIG_FILE}: pick the folder PEFT's save_pretrained wrote.${why}`, { file: ADAPTER_CONFIG_FILE });
  }
  if (configs.length > 1) {
    throw new ModelLoadError('invalid-config', `The picked files hold ${configs.length} adapters (${configs.join(', ')}): pick one adapter's folder.`, { file: ADAPTER_CONFIG_FILE });
  }
  const folder = configs[0].slice(0, configs[0].length - ADAPTER_CONFIG_FILE.length);
  const weights = files.get(folder + ADAPTER_WEIGHTS_FILE);
  if (!weights) {
    throw new ModelLoadError('missing-file', `${folder}${ADAPTER_CONFIG_FILE} has no ${ADAPTER_WEIGHTS_FILE} beside it.`, { file: ADAPTER_WEIGHTS_FILE });
  }
  return { config: files.get(configs[0])!, weights, folder };
}

/** A base source's config (LlamaConfig and config.json) and every file the merged folder needs. */
export async function readBaseFolder(base: ModelSource, opts: SourceOptions = {}): Promise<{ id: string; config: LlamaConfig; configJson: Record<string, unknown>; files: Map<string, Uint8Array>; skipped: string[] }> {
  const files = filesOf(base, opts);
  const { available } = await listSource(base, files, opts);
  if (!available) {
    throw new ModelLoadError('network', `${files.id}: the file list of the base is unknown (offline without a cached listing), so its folder cannot be copied.`);
  }
  const configJson = parseJsonFile(await files.fetchFile('config.json'), 'config.json');
  const config = llamaConfigFromHf(configJson);
  const out = new Map<string, Uint8Array>();
  const skipped: string[] = [];
  for (const path of available) {
    if (isOtherWeightFormat(path)) skipped.push(path);
    if (isOtherWeightFormat(path) || path.startsWith('.') || path.includes('/.')) continue;
    if (opts.signal?.aborted) throw new ModelLoadError('aborted', 'Reading the base model was cancelled.');
    out.set(path, await files.fetchFile(path));
  }
  return { id: files.id, config, configJson, files: out, skipped };
}

/** The adapter, read for this base (every refusal of ./peftImport.ts, named). */
export function adapterFor(config: LlamaConfig, adapterFiles: ReadonlyMap<string, Uint8Array>): ImportedAdapter {
  const { config: cfg, weights } = findAdapterFiles(adapterFiles);
  return importPeftAdapter(config, parseAdapterConfigBytes(cfg), weights);
}

export interface MergedSource {
  /** the merged folder as a source the loaders read */
  source: ModelSource;
  files: Map<string, Uint8Array>;
  adapter: ImportedAdapter;
  /** base files left out (weights in other formats) */
  leftOut: string[];
  /** what the user should know: the adapter's notes, a base other than the one it names */
  notes: string[];
}

/** Base + adapter merged in memory, as a ModelSource named `<base> + <adapter>`. */
export async function mergedSource(base: ModelSource, adapterFiles: ReadonlyMap<string, Uint8Array>, adapterName: string, opts: SourceOptions = {}): Promise<MergedSource> {
  const b = await readBaseFolder(base, opts);
  const adapter = adapterFor(b.config, adapterFiles);
  // f32 merged weights: inspection runs W + s·B·A unrounded (a BF16 base rounded after the merge moves log-probs by ~3e-2 on the tiny models)
  const { files, leftOut } = mergedModelFiles(b.config, adapter.layout, adapter.params, b.files, { dtype: 'F32' });
  const notes = [...adapter.notes];
  if (adapter.baseModel && adapter.baseModel !== b.id) notes.push(`adapter_config.json names base "${adapter.baseModel}"; it is applied to ${b.id} (shapes match).`);
  const fetchFile: FetchFile = async (path) => {
    const f = files.get(path);
    if (!f) throw new ModelLoadError('missing-file', `Missing file ${path} of the merged folder.`, { file: path });
    return f;
  };
  return { source: { kind: 'fetch', id: `${b.id} + ${adapterName}`, fetchFile, files: [...files.keys()] }, files, adapter, leftOut: [...b.skipped, ...leftOut], notes };
}
