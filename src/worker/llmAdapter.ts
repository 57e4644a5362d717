// The worker's one doorway to src/llm (model loading, the model cache) and the J-trajectory
// scorer. Maps the UI's ModelSourceSpec onto the loader's ModelSource.
import type { CacheState, LanguageModel } from '../llm/types.ts';
import type { Trajectory } from '../repro/types.ts';
import { cacheSize as ortCacheSize, clearCache as ortClearCache, readBody, type FetchFile, type FileProgress, type ModelSource, type OpenFile } from '../llm/hub/modelFiles.ts';
import { ModelLoadError, httpError } from '../llm/hub/modelLoadError.ts';
import { scoreTrajectory as score, type ScoreOptions } from '../llm/scorer/scoreTrajectory.ts';
export { tokenizeForScoring } from '../llm/scorer/scoreTrajectory.ts';
import { logitsKernelFor, logitsTopKFor } from '../gpu/logitsKernel.ts';
import { decodeCheckpoint } from '../engine/checkpoint.ts';
import { toyConfigFiles, toyModelFolder, toyTokenizerFiles } from '../engine/onnx/toyModelFolder.ts';
import { exportOnnx } from '../engine/onnx/export.ts';
import { VOCAB } from '../task/vocab.ts';
import { openModel, type OpenedModel } from './openModel.ts';
import type { BaseModelSourceSpec, LoadProgress, ModelSourceSpec } from './api.ts';
import { openAdapted } from './peftHost.ts';
import { gpuContext } from './gpuStatus.ts';
import { REGIME_LLAMA_MODEL_DIR, REGIME_MODEL_DIR, type TaskRegime } from '../task/regime.ts';
import { siteUrl } from '../site/siteUrl.ts';

/** The bundled toy model, served from public/models/toy-reasoner/. */
export const BUNDLED_MODEL_PATH = 'models/toy-reasoner/';
/** Its files (the toy checkpoint for our engine, the fp32 ONNX export for ONNX Runtime), so loaders look for nothing else. */
const BUNDLED_FILES = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'model.safetensors', 'onnx/model.onnx'];

/** The bundled toy Llamas' files: a Llama-family folder in the Hugging Face layout, no ONNX export. */
const BUNDLED_LLAMA_FILES = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', 'model.safetensors'];

/** The bundled folder of a regime's toy model (the mixed one is BUNDLED_MODEL_PATH), or of its toy Llama. */
export const bundledModelPath = (regime: TaskRegime = 'mixed', arch?: 'llama'): string => {
  if (arch === 'llama') {
    const dir = REGIME_LLAMA_MODEL_DIR[regime];
    if (!dir) throw new ModelLoadError('missing-file', `There is no bundled toy Llama of the ${regime} regime.`);
    return `${dir}/`;
  }
  return regime === 'mixed' ? BUNDLED_MODEL_PATH : `${REGIME_MODEL_DIR[regime]}/`;
};

function bundledFetcher(onProgress: (p: FileProgress) => void, signal: AbortSignal, regime: TaskRegime = 'mixed', arch?: 'llama'): FetchFile {
  const BUNDLED_MODEL_PATH = bundledModelPath(regime, arch);
  return async (path) => {
    const url = siteUrl(`${BUNDLED_MODEL_PATH}${path}`);
    const res = await fetch(url, { signal });
    // A dev server may answer a missing file with its index.html: that is a missing file too.
    const html = (res.headers.get('content-type') ?? '').includes('text/html');
    if (res.status === 404 || (res.ok && html)) {
      throw new ModelLoadError('missing-file', `Missing file ${path} of the bundled toy model (expected at public/${BUNDLED_MODEL_PATH}${path}).`, { file: path });
    }
    if (!res.ok) throw httpError(res.status, res.statusText, path, url);
    return readBody(res, path, onProgress, signal);
  };
}

/** Picked files by their path under the picked folder (the folder's own name dropped). */
function localSource(files: { path: string; file: File }[]): ModelSource {
  const parts = files.map((f) => f.path.split('/').filter(Boolean));
  const top = parts[0]?.[0] ?? 'local model';
  const inFolder = parts.every((p) => p.length > 1 && p[0] === top);
  const byPath = new Map(files.map((f, i) => [inFolder ? parts[i].slice(1).join('/') : parts[i].join('/'), f.file]));
  const get = (path: string): File => {
    const file = byPath.get(path);
    if (!file) throw new ModelLoadError('missing-file', `Missing file ${path}: it is not in the picked folder ${inFolder ? top : ''}.`, { file: path });
    return file;
  };
  const fetchFile: FetchFile = async (path) => new Uint8Array(await get(path).arrayBuffer());
  // Weights read tensor by tensor stream from the file instead of being read whole.
  const openFile: OpenFile = async (path) => {
    const file = get(path);
    return { stream: file.stream(), size: file.size, fromCache: false };
  };
  return { kind: 'fetch', id: inFolder ? top : 'local model', fetchFile, openFile, files: [...byPath.keys()].sort() };
}

/**
 * A toy checkpoint as an in-memory model folder: the checkpoint itself (our engine), the toy
 * tokenizer and config files, and its ONNX export (made only when ONNX Runtime asks for it).
 */
function checkpointSource(name: string, bytes: Uint8Array, onProgress: (p: LoadProgress) => void): ModelSource {
  let ck: ReturnType<typeof decodeCheckpoint>;
  let folder: Record<string, Uint8Array>;
  try {
    ck = decodeCheckpoint(bytes);
    if (ck.config.vocabSize !== VOCAB.length) toyModelFolder(ck.config, ck.params); // throws the vocabulary mismatch
    folder = { 'model.safetensors': bytes, ...toyConfigFiles(ck.config), ...toyTokenizerFiles() };
  } catch (e) {
    throw new ModelLoadError('corrupt-file', `${name} is not a usable toy-reasoner checkpoint: ${(e as Error).message}`, { file: name, cause: e });
  }
  const fetchFile: FetchFile = async (path) => {
    if (path === 'onnx/model.onnx' && !folder[path]) folder[path] = exportOnnx(ck.config, ck.params);
    const file = folder[path];
    if (!file) throw new ModelLoadError('missing-file', `Missing file ${path} of the checkpoint's folder.`, { file: path });
    onProgress({ file: path, loaded: file.byteLength, total: file.byteLength, phase: path.endsWith('.onnx') ? 'exported from the checkpoint' : 'from the checkpoint' });
    return file;
  };
  return { kind: 'fetch', id: name, fetchFile, files: [...Object.keys(folder), 'onnx/model.onnx'].sort() };
}

/** Opens a model on the backend the spec asks for (default: our engine when it can run it), with what each backend says of the source. */
export async function openLanguageModel(spec: ModelSourceSpec, onProgress: (p: LoadProgress) => void, signal: AbortSignal): Promise<OpenedModel> {
  const progress = (p: FileProgress) =>
    onProgress({ file: p.file, loaded: p.loaded, total: p.total ?? 0, phase: p.fromCache ? 'from cache' : 'download' });
  try {
    if (spec.kind === 'adapted') return await openAdaptedSpec(spec, progress, onProgress, signal);
    const source = sourceOf(spec, progress, onProgress, signal);
    // the bundled toy Llama is a Llama-family folder: opened like a hub repository
    const toy = (spec.kind === 'bundled' && spec.arch !== 'llama') || spec.kind === 'checkpoint';
    return await openModel({ spec, source, toy, progress, onProgress, signal });
  } catch (e) {
    // Errors cross the worker boundary as name + message: put the loader's kind in the name.
    if (e instanceof ModelLoadError) {
      const err = new Error(e.message);
      err.name = `ModelLoadError (${e.kind}${e.file ? `, ${e.file}` : ''})`;
      throw err;
    }
    throw e;
  }
}

export async function loadLanguageModel(spec: ModelSourceSpec, onProgress: (p: LoadProgress) => void, signal: AbortSignal): Promise<LanguageModel> {
  return (await openLanguageModel(spec, onProgress, signal)).model;
}

/** A base + PEFT adapter on our engine (the adapter merged in memory); the adapter's notes go beside the model. */
async function openAdaptedSpec(
  spec: Extract<ModelSourceSpec, { kind: 'adapted' }>, progress: (p: FileProgress) => void, onProgress: (p: LoadProgress) => void, signal: AbortSignal,
): Promise<OpenedModel> {
  if (spec.backend === 'ort') throw new ModelLoadError('unsupported-architecture', 'A PEFT adapter is applied by our engine only: ONNX Runtime cannot open base + adapter.');
  if (spec.base.kind === 'bundled' && spec.base.arch !== 'llama') throw new ModelLoadError('unsupported-architecture', 'A PEFT adapter needs a Llama-family base: the bundled toy GPT-2 takes none (pick the bundled toy Llama, a hub model or a folder).');
  if (spec.base.kind === 'checkpoint') throw new ModelLoadError('unsupported-architecture', 'A PEFT adapter needs a Llama-family base, not a toy-reasoner checkpoint.');
  const base = sourceOf(spec.base, progress, onProgress, signal);
  const ctx = await gpuContext();
  const token = spec.base.kind === 'hub' ? spec.base.token : undefined;
  const a = await openAdapted(ctx, base, new Map(Object.entries(spec.adapter)), spec.adapterName, { onProgress: progress, signal, token });
  const info = a.model.info as { backendNote?: string };
  const note = `Base + PEFT adapter ${spec.adapterName} (r ${a.adapter.layout.config.r}, lora_alpha ${a.adapter.layout.config.lora_alpha}, ${a.adapter.layout.config.target_modules.join(', ')}), merged on our engine.${a.notes.length ? ` ${a.notes.join(' ')}` : ''}`;
  info.backendNote = info.backendNote ? `${note} ${info.backendNote}` : note;
  return { model: a.model, backends: { engine: null, ort: 'a PEFT adapter is applied by our engine only' } };
}

function sourceOf(spec: BaseModelSourceSpec, progress: (p: FileProgress) => void, onProgress: (p: LoadProgress) => void, signal: AbortSignal): ModelSource {
  switch (spec.kind) {
    case 'bundled': return {
      kind: 'fetch', id: bundledModelPath(spec.regime, spec.arch).split('/').filter(Boolean).at(-1)!, fetchFile: bundledFetcher(progress, signal, spec.regime, spec.arch),
      files: spec.arch === 'llama' ? BUNDLED_LLAMA_FILES : BUNDLED_FILES,
    };
    case 'checkpoint': return checkpointSource(spec.name, spec.bytes, onProgress);
    case 'hub': return { kind: 'hub', id: spec.id, revision: spec.revision };
    // webkitRelativePath does not survive the trip to the worker, so paths travel beside the files.
    case 'local': return localSource(spec.files);
  }
}

export const cacheSize = (): Promise<number> => ortCacheSize();

export async function clearCache(): Promise<void> {
  await ortClearCache();
}

export function scoreTrajectory(
  model: LanguageModel,
  input: { question: string; cot: string; answer: string; probe: string; delimiter?: string | RegExp },
  opts: { signal: AbortSignal; onProgress(done: number, total: number): void; keepCache?: (cache: CacheState) => void; lensK?: number; tokens?: ScoreOptions['tokens'] },
): Promise<Trajectory> {
  // The token lens (top-k per CoT token) comes with every scoring run, from the same logits rows.
  return score(model, input, { ...opts, kernel: logitsKernelFor(model), topK: logitsTopKFor(model) });
}
