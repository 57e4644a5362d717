// One loader for every source: reads config, generation config, tokenizer files and the ONNX
// weights (+ external data) through a FetchFile, picks backend and dtype, creates the session.
import { weightCandidates, type OrtDtype, type WeightFile } from './dtypeChoice.ts';
import { estimateMemory, refusalReason, type MemoryEstimate } from './memoryEstimate.ts';
import type { HfTokenizer } from '../hub/hfTokenizer.ts';
import { configFromGenai } from './genaiConfig.ts';
import { detectDecoderIo, type DecoderIo } from './ioConventions.ts';
import { ModelLoadError, parseJsonFile } from '../hub/modelLoadError.ts';
import { classifyOrtError } from './ortErrors.ts';
import type { FetchFile, ModelSource } from '../hub/modelFiles.ts';
import { filesOf, listSource, loadTokenizer, optionalJson, type SourceOptions } from '../hub/modelSource.ts';
import { createSession, type OrtBackend, type OrtSessionHandle } from './ortRuntime.ts';
import { renewingSession } from './renewingSession.ts';
import { requestGpuAdapter } from '../../platform/gpuAdapter.ts';

export type WebGpuSupport = { ok: true; features: string[]; maxBufferSize?: number } | { ok: false; reason: string };

export interface OrtLoadOptions extends SourceOptions {
  /** Weight variant; default from the adapter's features (q4f16 with shader-f16, else q4/fp32). */
  dtype?: OrtDtype;
  /** 'auto' (default): WebGPU when there is an adapter, else WASM. */
  backend?: 'auto' | OrtBackend;
  /** Override thinking detection. */
  thinking?: boolean;
  /** Injected in tests; default asks navigator.gpu for an adapter. */
  detectWebGpu?: () => Promise<WebGpuSupport>;
}

export interface LoadedOrtParts {
  id: string;
  dtype: OrtDtype;
  backend: OrtBackend;
  /** Why we run on WASM when WebGPU was wanted, else null. */
  backendNote: string | null;
  /** The weight file loaded (e.g. onnx/model_q4.onnx, model.onnx) and the dtypes the source ships. */
  weightsPath: string;
  availableDtypes: OrtDtype[] | null;
  /** Weights + KV bytes as estimated before loading (null without file sizes). */
  estimate: MemoryEstimate | null;
  session: OrtSessionHandle;
  io: DecoderIo;
  tokenizer: HfTokenizer;
  config: Record<string, unknown>;
  generationConfig: Record<string, unknown>;
}

/** Whether ORT can run on WebGPU here (the adapter from the app's one request, src/platform/gpuAdapter.ts). */
export async function detectWebGpu(): Promise<WebGpuSupport> {
  try {
    const adapter = await requestGpuAdapter();
    return { ok: true, features: [...adapter.features], maxBufferSize: adapter.limits.maxBufferSize };
  } catch (e) {
    return { ok: false, reason: (e as Error).message };
  }
}

/** External-data files of one ONNX file: known from the listing, transformers.js_config, or probed. */
async function externalDataFor(fetchFile: FetchFile, onnxPath: string, config: Record<string, unknown>, available?: string[]): Promise<{ path: string; data: Uint8Array }[]> {
  const base = `${onnxPath}_data`;
  let names: string[];
  if (available) {
    // onnx-community writes model.onnx_data(_1…); the model builder model.onnx.data.
    names = available.filter((p) => p === base || p.startsWith(`${base}_`) || p === `${onnxPath}.data`).sort();
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
  const files = filesOf(source, opts);
  const { id, fetchFile } = files;
  // From the hub: the repository's own file list (sizes included), instead of probing for 404s.
  const { listing, available } = await listSource(source, files, opts);
  const has = (path: string) => available === undefined || available.includes(path);
  const { config, generationConfig } = await readConfigs(fetchFile, has);
  const tokenizer: HfTokenizer = await loadTokenizer(fetchFile, available, { thinking: opts.thinking });

  // Backend: WebGPU when asked/available, else WASM with the reason stated.
  let backend: OrtBackend = 'wasm';
  let backendNote: string | null = null;
  let features: string[] = [];
  let maxBufferSize: number | undefined;
  if (opts.backend !== 'wasm') {
    const gpu = await (opts.detectWebGpu ?? detectWebGpu)();
    if (gpu.ok) {
      backend = 'webgpu';
      features = gpu.features;
      maxBufferSize = gpu.maxBufferSize;
    } else {
      backendNote = `WebGPU is unavailable (${gpu.reason}); running on WASM (CPU), which is slower.`;
      if (opts.backend === 'webgpu') throw new ModelLoadError('invalid-config', `WebGPU was required but ${gpu.reason}.`);
    }
  }
  // Every weight file the source ships, preferred first (probed names when there is no listing).
  const candidates = weightCandidates({ backend, features, override: opts.dtype, available });
  const availableDtypes = available ? candidates.map((c) => c.dtype) : null;
  let chosen: WeightFile | null = null;
  let model: Uint8Array | null = null;
  let estimate: MemoryEstimate | null = null;
  const missing: ModelLoadError[] = [];
  for (const c of candidates) {
    if (listing) {
      // Sizes known: refuse what cannot fit before downloading it.
      const weightBytes = listing.filter((f) => f.path === c.path || f.path.startsWith(`${c.path}_data`) || f.path === `${c.path}.data`).reduce((a, f) => a + f.size, 0);
      estimate = estimateMemory(config, weightBytes, { dtype: c.dtype, kvBytesPerElement: c.dtype === 'fp16' || c.dtype === 'q4f16' ? 2 : 4 });
      const refusal = refusalReason(estimate, { backend, maxBufferSize }, `${id} (${c.path})`);
      if (refusal) throw new ModelLoadError('out-of-memory', refusal, { file: c.path });
    }
    try {
      model = await fetchFile(c.path);
      chosen = c;
      break;
    } catch (e) {
      if (!(e instanceof ModelLoadError && e.kind === 'missing-file')) throw e;
      missing.push(e);
    }
  }
  if (model === null || chosen === null) {
    const first = missing[0];
    const tried = candidates.map((c) => c.path);
    throw new ModelLoadError(
      'missing-file',
      opts.dtype
        ? `${first.message} This model may not ship dtype ${opts.dtype}; pick another dtype.`
        : `${first.message} No other weight file was found either (tried ${tried.join(', ')}); pick a dtype this repository ships, or another model.`,
      { file: tried[0], cause: first },
    );
  }
  const onnxPath = chosen.path;
  const externalData = await externalDataFor(fetchFile, onnxPath, config, available);
  if (opts.signal?.aborted) throw new ModelLoadError('aborted', 'Model loading was cancelled.');
  if (!listing) {
    // Sizes known only now (local folder, probed hub files): the same check before the session.
    estimate = estimateMemory(config, model.byteLength + externalData.reduce((a, f) => a + f.data.byteLength, 0), { dtype: chosen.dtype, kvBytesPerElement: 4 });
    const refusal = refusalReason(estimate, { backend, maxBufferSize }, `${id} (${onnxPath})`);
    if (refusal) throw new ModelLoadError('out-of-memory', refusal, { file: onnxPath });
  }

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
  if (backend === 'webgpu') {
    // A failed WebGPU run leaves the session unusable (renewingSession.ts): reopen from the files.
    session = renewingSession(session, async () => {
      const data = await externalDataFor(fetchFile, onnxPath, config, available);
      return createSession(await fetchFile(onnxPath), { backend: 'webgpu', externalData: data, gpuOutputs: 'all' });
    });
  }
  return { id, dtype: chosen.dtype, backend, backendNote, weightsPath: onnxPath, availableDtypes, estimate, session, io, tokenizer, config, generationConfig };
}

/**
 * config.json + generation_config.json; a model-builder folder without config.json is read from
 * its genai_config.json (genaiConfig.ts). Without a listing config.json is asked for first.
 */
async function readConfigs(fetchFile: FetchFile, has: (path: string) => boolean): Promise<{ config: Record<string, unknown>; generationConfig: Record<string, unknown> }> {
  const generation = () => (has('generation_config.json') ? optionalJson(fetchFile, 'generation_config.json') : Promise.resolve({}));
  let missing: unknown = null;
  if (has('config.json')) {
    try {
      return { config: parseJsonFile(await fetchFile('config.json'), 'config.json'), generationConfig: await generation() };
    } catch (e) {
      if (!(e instanceof ModelLoadError && e.kind === 'missing-file')) throw e;
      missing = e;
    }
  }
  const genai = has('genai_config.json') ? await optionalJson(fetchFile, 'genai_config.json') : {};
  if (Object.keys(genai).length === 0) {
    throw missing ?? new ModelLoadError('missing-file', 'Missing file config.json: the model folder has neither config.json nor genai_config.json.', { file: 'config.json' });
  }
  const fromGenai = configFromGenai(genai);
  const own = await generation();
  return { config: fromGenai.config, generationConfig: Object.keys(own).length > 0 ? own : fromGenai.generationConfig };
}
