// Which ONNX weight file to load for the adapter we have, under the names exporters write:
// onnx-community / transformers.js (onnx/model{,_fp16,_q4,_q4f16,_quantized,…}.onnx), the legacy
// transformers.js layout (onnx/decoder_model_merged*.onnx) and the onnxruntime-genai model
// builder (model.onnx at the root). Pure.
import { ModelLoadError } from '../hub/modelLoadError.ts';

export type OrtDtype = 'fp32' | 'fp16' | 'q4' | 'q4f16' | 'q8' | 'int8' | 'uint8' | 'bnb4';
export const ORT_DTYPES: readonly OrtDtype[] = ['fp32', 'fp16', 'q4', 'q4f16', 'q8', 'int8', 'uint8', 'bnb4'];

/** transformers.js's DEFAULT_DTYPE_SUFFIX_MAPPING: q8 is "_quantized", not "_q8". */
const SUFFIX: Record<OrtDtype, string> = { fp32: '', fp16: '_fp16', q4: '_q4', q4f16: '_q4f16', q8: '_quantized', int8: '_int8', uint8: '_uint8', bnb4: '_bnb4' };

export interface WeightFile {
  dtype: OrtDtype;
  path: string;
}

export function modelFileName(dtype: OrtDtype): string {
  return `onnx/model${SUFFIX[dtype]}.onnx`;
}

/** Paths a dtype may live under, in the order they are tried: current naming, legacy merged decoder, model builder. */
export function candidatePaths(dtype: OrtDtype): string[] {
  const paths = [modelFileName(dtype), `onnx/decoder_model_merged${SUFFIX[dtype]}.onnx`];
  if (dtype === 'fp32') paths.push('model.onnx');
  return paths;
}

/** The dtype of a weight-file path, or null when the name follows none of the conventions. */
export function dtypeOfFile(path: string): OrtDtype | null {
  if (path === 'model.onnx') return 'fp32'; // the model builder's single file (its I/O dtype is read from the graph)
  const m = /^onnx\/(?:model|decoder_model_merged)(_[a-z0-9]+)?\.onnx$/.exec(path);
  if (!m) return null;
  const suffix = m[1] ?? '';
  return ORT_DTYPES.find((d) => SUFFIX[d] === suffix) ?? null;
}

/** The weight files among a repository's paths, one per dtype (current naming before legacy). */
export function weightFilesIn(paths: readonly string[]): WeightFile[] {
  const have = new Set(paths);
  const out: WeightFile[] = [];
  for (const dtype of ORT_DTYPES) {
    const path = candidatePaths(dtype).find((p) => have.has(p));
    if (path) out.push({ dtype, path });
  }
  return out;
}

/**
 * Preference order. With `shader-f16` (WebGPU): float16 first. Without it: 4-bit and float32
 * weights first, then float16 ones last — they still load, on WASM, through the loader's
 * fallback (a repository that ships only fp16 must not be refused).
 */
export function dtypePreference(backend: 'webgpu' | 'wasm', features: Iterable<string>): OrtDtype[] {
  const f16 = backend === 'webgpu' && new Set(features).has('shader-f16');
  return f16 ? ['q4f16', 'fp16', 'q4', 'fp32', 'q8', 'int8', 'uint8', 'bnb4'] : ['q4', 'fp32', 'q8', 'int8', 'uint8', 'bnb4', 'fp16', 'q4f16'];
}

/**
 * The weight files to try, in order. With the repository's listing (hub tree API or a local
 * folder) exactly the files it has, preferred first; an override must be among them. Without a
 * listing (offline, no cached listing) every candidate path in preference order, to be probed.
 */
export function weightCandidates(opts: {
  backend: 'webgpu' | 'wasm';
  features: Iterable<string>;
  override?: OrtDtype;
  available?: readonly string[];
}): WeightFile[] {
  if (opts.override !== undefined && !ORT_DTYPES.includes(opts.override)) {
    throw new RangeError(`dtype must be one of ${ORT_DTYPES.join(', ')} (got ${String(opts.override)})`);
  }
  const prefs = opts.override ? [opts.override] : dtypePreference(opts.backend, opts.features);
  if (!opts.available) return prefs.flatMap((dtype) => candidatePaths(dtype).map((path) => ({ dtype, path })));
  const files = weightFilesIn(opts.available);
  if (opts.override) {
    const hit = files.find((f) => f.dtype === opts.override);
    if (!hit) {
      throw new ModelLoadError(
        'missing-file',
        `dtype ${opts.override} was asked for, but ${modelFileName(opts.override)} is not among the files (have: ${files.map((f) => `${f.dtype} (${f.path})`).join(', ') || 'no ONNX weight file'})`,
        { file: modelFileName(opts.override) },
      );
    }
    return [hit];
  }
  const ordered = prefs.map((d) => files.find((f) => f.dtype === d)).filter((f): f is WeightFile => f !== undefined);
  if (ordered.length === 0) {
    throw new ModelLoadError('missing-file', 'Missing file onnx/model.onnx: there is no ONNX weight file (onnx/model*.onnx, onnx/decoder_model_merged*.onnx or model.onnx) among the model files.', { file: 'onnx/model.onnx' });
  }
  return ordered;
}

/** The first weight file to load (see weightCandidates). */
export function chooseDtype(opts: Parameters<typeof weightCandidates>[0]): OrtDtype {
  return weightCandidates(opts)[0].dtype;
}
