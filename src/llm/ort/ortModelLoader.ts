// One loader for every source: reads config, generation config, tokenizer files and the ONNX
// weights (+ external data) through a FetchFile, picks backend and dtype, creates the session.
import { chooseDtype, dtypePreference, modelFileName, type OrtDtype } from './dtypeChoice.ts';
import { HfTokenizer } from './hfTokenizer.ts';
import { detectDecoderIo, type DecoderIo } from './ioConventions.ts';
import { ModelLoadError, classifyOrtError, parseJsonFile } from './modelLoadError.ts';
import { hubFetcher, localFilesFetcher, type FetchFile, type FileProgress, type ModelSource } from './modelFiles.ts';
import { createSession, type OrtBackend, type OrtSessionHandle } from './ortRuntime.ts';

export type WebGpuSupport = { ok: true; features: string[] } | { ok: false; reason: string };

export interface OrtLoadOptions {
  /** Weight variant; default from the adapter's features (q4f16 with shader-f16, else q4/fp32). */
  dtype?: OrtDtype;
  /** 'auto' (default): WebGPU when there is an adapter, else WASM. */
  backend?: 'auto' | OrtBackend;
  /** Override thinking detection. */
  thinking?: boolean;
  onProgress?: (p: FileProgress) => void;
  signal?: AbortSignal;
  /** Hub downloads only: injected fetch (tests) and Cache API use. */
  fetchImpl?: typeof fetch;
  useCache?: boolean;
  /** Injected in tests; default asks navigator.gpu for an adapter. */
  detectWebGpu?: () => Promise<WebGpuSupport>;
}

export interface LoadedOrtParts {
  id: string;
  dtype: OrtDtype;
  backend: OrtBackend;
  /** Why we run on WASM when WebGPU was wanted, else null. */
  backendNote: string | null;
  session: OrtSessionHandle;
  io: DecoderIo;
  tokenizer: HfTokenizer;
  config: Record<string, unknown>;
  generationConfig: Record<string, unknown>;
}

export async function detectWebGpu(): Promise<WebGpuSupport> {
  const gpu = typeof navigator !== 'undefined' ? navigator.gpu : undefined;
  if (!gpu) return { ok: false, reason: 'this browser has no WebGPU (navigator.gpu is undefined, or the page is not a secure context)' };
  try {
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) return { ok: false, reason: 'navigator.gpu.requestAdapter() found no GPU adapter' };
    return { ok: true, features: [...adapter.features] };
  } catch (e) {
    return { ok: false, reason: `requesting a WebGPU adapter failed: ${(e as Error).message}` };
  }
}

export function fetcherFor(source: ModelSource, opts: OrtLoadOptions): { id: string; fetchFile: FetchFile; available?: string[] } {
  if (source.kind === 'hub') {
    return { id: source.id, fetchFile: hubFetcher(source.id, { revision: source.revision, onProgress: opts.onProgress, signal: opts.signal, fetchImpl: opts.fetchImpl, useCache: opts.useCache }) };
  }
  if (source.kind === 'files') {
    const { fetchFile, paths } = localFilesFetcher(source.files);
    return { id: source.name ?? 'local model', fetchFile, available: paths };
  }
  return { id: source.id, fetchFile: source.fetchFile, available: source.files };
}

async function optionalJson(fetchFile: FetchFile, path: string): Promise<Record<string, unknown>> {
  try {
    return parseJsonFile(await fetchFile(path), path);
  } catch (e) {
    if (e instanceof ModelLoadError && e.kind === 'missing-file') return {};
    throw e;
  }
}

/** External-data files of one ONNX file: known from the listing, transformers.js_config, or probed. */
async function externalDataFor(fetchFile: FetchFile, onnxPath: string, config: Record<string, unknown>, available?: string[]): Promise<{ path: string; data: Uint8Array }[]> {
  const base = `${onnxPath}_data`;
  let names: string[];
  if (available) {
    names = available.filter((p) => p === base || p.startsWith(`${base}_`)).sort();
  } else {
    const jsCfg = (config['transformers.js_config'] ?? {}) as { use_external_data_format?: unknown };
    const flag = jsCfg.use_external_data_format;
    const perFile = flag && typeof flag === 'object' ? (flag as Record<string, unknown>)[onnxPath.split('/').pop()!] : flag;
    const count = perFile === true ? 1 : typeof perFile === 'number' ? perFile : 0;
    names = Array.from({ length: count }, (_, i) => (i === 0 ? base : `${base}_${i}`));
    if (flag === undefined) {
      // Not declared: try the usual single file, tolerate its absence.
      try {
        return [{ path: base.split('/').pop()!, data: await fetchFile(base) }];
      } catch (e) {
        if (e instanceof ModelLoadError && e.kind === 'missing-file') return [];
        throw e;
      }
    }
  }
  const out: { path: string; data: Uint8Array }[] = [];
  for (const n of names) out.push({ path: n.split('/').pop()!, data: await fetchFile(n) });
  return out;
}

export async function loadOrtParts(source: ModelSource, opts: OrtLoadOptions = {}): Promise<LoadedOrtParts> {
  const { id, fetchFile, available } = fetcherFor(source, opts);
  const need = async (path: string) => parseJsonFile(await fetchFile(path), path);
  const config = await need('config.json');
  const generationConfig = await optionalJson(fetchFile, 'generation_config.json');
  const tokenizerJson = await need('tokenizer.json');
  const tokenizerConfig = await optionalJson(fetchFile, 'tokenizer_config.json');
  const tokenizer = new HfTokenizer(tokenizerJson, tokenizerConfig, { thinking: opts.thinking });

  // Backend: WebGPU when asked/available, else WASM with the reason stated.
  let backend: OrtBackend = 'wasm';
  let backendNote: string | null = null;
  let features: string[] = [];
  if (opts.backend !== 'wasm') {
    const gpu = await (opts.detectWebGpu ?? detectWebGpu)();
    if (gpu.ok) {
      backend = 'webgpu';
      features = gpu.features;
    } else {
      backendNote = `WebGPU is unavailable (${gpu.reason}); running on WASM (CPU), which is slower.`;
      if (opts.backend === 'webgpu') throw new ModelLoadError('invalid-config', `WebGPU was required but ${gpu.reason}.`);
    }
  }
  // With the file list at hand (or a dtype asked for) there is one candidate; from the hub the
  // preferences in order, since repositories ship different subsets of onnx/model_*.onnx.
  const candidates = opts.dtype || available ? [chooseDtype({ backend, features, override: opts.dtype, available })] : dtypePreference(backend, features);
  let dtype: OrtDtype | null = null;
  let model: Uint8Array | null = null;
  const missing: ModelLoadError[] = [];
  for (const d of candidates) {
    try {
      model = await fetchFile(modelFileName(d));
      dtype = d;
      break;
    } catch (e) {
      if (!(e instanceof ModelLoadError && e.kind === 'missing-file')) throw e;
      missing.push(e);
    }
  }
  if (model === null || dtype === null) {
    const first = missing[0];
    const tried = candidates.map(modelFileName);
    throw new ModelLoadError(
      'missing-file',
      candidates.length === 1
        ? `${first.message} This model may not ship dtype ${candidates[0]}; pick another dtype.`
        : `${first.message} No other weight file was found either (tried ${tried.join(', ')}); pick a dtype this repository ships, or another model.`,
      { file: tried[0], cause: first },
    );
  }
  const onnxPath = modelFileName(dtype);
  const externalData = await externalDataFor(fetchFile, onnxPath, config, available);
  if (opts.signal?.aborted) throw new ModelLoadError('aborted', 'Model loading was cancelled.');

  const open = async (b: OrtBackend) => {
    let session: OrtSessionHandle;
    try {
      session = await createSession(model, { backend: b, externalData, gpuOutputs: b === 'webgpu' ? 'all' : [] });
    } catch (e) {
      throw classifyOrtError(e, onnxPath, b === 'webgpu' ? 'WebGPU' : 'WASM');
    }
    try {
      return { session, io: detectDecoderIo(session.inputs, session.outputs, config) };
    } catch (e) {
      await session.release();
      throw e;
    }
  };
  let { session, io } = await open(backend);
  // ORT's WebGPU kernels need shader-f16 for float16 tensors; without it they produce garbage
  // silently (invalid pipelines), so a float16-I/O graph goes to WASM instead.
  if (backend === 'webgpu' && !features.includes('shader-f16') && (io.kvDtype === 'float16' || io.logitsDtype === 'float16')) {
    await session.release();
    backend = 'wasm';
    backendNote = `${onnxPath} has float16 inputs/outputs, but this WebGPU adapter lacks the shader-f16 feature; running on WASM (CPU), which is slower.`;
    ({ session, io } = await open(backend));
  }
  return { id, dtype, backend, backendNote, session, io, tokenizer, config, generationConfig };
}
