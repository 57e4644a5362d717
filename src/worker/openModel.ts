// Which backend opens a model, and opening it. Our own WebGPU engine runs the toy models and the
// Llama family from safetensors (src/engine/lm/); ONNX Runtime runs onnx-community exports
// (src/llm/ort/). 'auto' opens a source on the engine when the engine can run it here (a
// supported config.json and safetensors weights, and a WebGPU device), else on ONNX Runtime with
// the reason said beside the model; an explicit choice the source cannot take is refused with why.
import type { LanguageModel } from '../llm/types.ts';
import { OrtLanguageModel } from '../llm/ort/ortLanguageModel.ts';
import { filesOf, listSource, optionalJson } from '../llm/hub/modelSource.ts';
import type { FileProgress, ModelSource } from '../llm/hub/modelFiles.ts';
import { ModelLoadError } from '../llm/hub/modelLoadError.ts';
import { repoBackends } from '../engine/hf/repoFiles.ts';
import { loadEngineModel } from '../engine/lm/loadEngineModel.ts';
import { loadToyEngine } from '../engine/lm/loadToyEngine.ts';
import type { GpuContext } from '../gpu/device.ts';
import type { BackendOptions, LoadProgress, ModelBackendChoice, ModelSourceSpec } from './api.ts';
import { gpuContext } from './gpuStatus.ts';

export interface OpenedModel {
  model: LanguageModel;
  backends: BackendOptions;
}

export interface OpenArgs {
  spec: ModelSourceSpec;
  /** The source as both loaders read it (bundled files, a checkpoint's in-memory folder, hub, picked folder). */
  source: ModelSource;
  /** Toy sources (bundled, checkpoint): their weights are a toy checkpoint, not a Llama-family repo. */
  toy: boolean;
  progress: (p: FileProgress) => void;
  onProgress: (p: LoadProgress) => void;
  signal: AbortSignal;
}

async function device(): Promise<{ ctx: GpuContext | null; why: string | null }> {
  try {
    return { ctx: await gpuContext(), why: null };
  } catch (e) {
    return { ctx: null, why: `WebGPU is unavailable (${(e as Error).message})` };
  }
}

/** What each backend says about a source, before loading: null = it can open it. */
async function backendOptions(args: OpenArgs, gpuWhy: string | null): Promise<BackendOptions> {
  if (args.toy) return { engine: gpuWhy, ort: null };
  const opts = { signal: args.signal, token: args.spec.kind === 'hub' ? args.spec.token : undefined };
  const files = filesOf(args.source, opts);
  const { available } = await listSource(args.source, files, opts);
  if (!available) return { engine: gpuWhy, ort: null }; // no listing (offline hub without a cached one): try both
  const config = available.includes('config.json') ? await optionalJson(files.fetchFile, 'config.json') : null;
  const rb = repoBackends(available, config && Object.keys(config).length > 0 ? config : null);
  return {
    engine: rb.engine.ok ? gpuWhy : rb.engine.reason,
    ort: rb.ort ? null : 'the repository has no ONNX export (onnx/*.onnx)',
  };
}

function pick(choice: ModelBackendChoice, b: BackendOptions): 'engine' | 'ort' {
  if (choice === 'engine') {
    if (b.engine) throw new ModelLoadError('unsupported-architecture', `Our engine cannot open this model: ${b.engine}${b.ort ? '' : ' Choose ONNX Runtime if the repository has an ONNX export.'}`);
    return 'engine';
  }
  if (choice === 'ort') {
    if (b.ort) throw new ModelLoadError('missing-file', `ONNX Runtime cannot open this model: ${b.ort}.${b.engine ? '' : ' Choose our engine.'}`);
    return 'ort';
  }
  if (!b.engine) return 'engine';
  if (!b.ort) return 'ort';
  throw new ModelLoadError('unsupported-architecture', `${b.engine} ONNX Runtime cannot open it either: ${b.ort}.`);
}

export async function openModel(args: OpenArgs): Promise<OpenedModel> {
  const { spec, source, signal } = args;
  const { ctx, why } = await device();
  const backends = await backendOptions(args, why);
  const which = pick(spec.backend ?? 'auto', backends);
  if (which === 'engine') {
    const id = source.kind === 'fetch' ? source.id : source.kind === 'hub' ? source.id : source.name ?? 'local model';
    if (args.toy) {
      if (source.kind !== 'fetch') throw new TypeError('a toy source is a fetch source');
      return { model: await loadToyEngine(ctx!, id, source.fetchFile, source.files), backends };
    }
    const model = await loadEngineModel(ctx!, source, {
      onProgress: args.progress, signal, token: spec.kind === 'hub' ? spec.token : undefined,
      onWeights: (p) => args.onProgress({ file: p.file, loaded: p.loaded, total: p.total ?? 0, phase: `to the GPU (${p.tensorsDone}/${p.tensorsTotal} tensors)` }),
    });
    return { model, backends };
  }
  const hub = spec.kind === 'hub' ? { dtype: spec.dtype, token: spec.token } : {};
  const model = await OrtLanguageModel.load(source, { onProgress: args.progress, signal, ...hub });
  // Opened on ONNX Runtime although the user left the choice to us: say why, beside the model.
  if ((spec.backend ?? 'auto') === 'auto' && backends.engine) {
    const note = `Running on ONNX Runtime: our engine cannot open this model (${backends.engine}).`;
    (model.info as { backendNote?: string }).backendNote = model.info.backendNote ? `${note} ${model.info.backendNote}` : note;
  }
  return { model, backends };
}
