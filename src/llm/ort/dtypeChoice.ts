// Which ONNX weight file to load (onnx-community naming: onnx/model{,_fp16,_q4,_q4f16,…}.onnx)
// for the adapter we have. Pure.
import { ModelLoadError } from './modelLoadError.ts';

export type OrtDtype = 'fp32' | 'fp16' | 'q4' | 'q4f16' | 'q8' | 'int8' | 'uint8' | 'bnb4';
export const ORT_DTYPES: readonly OrtDtype[] = ['fp32', 'fp16', 'q4', 'q4f16', 'q8', 'int8', 'uint8', 'bnb4'];

export function modelFileName(dtype: OrtDtype): string {
  return dtype === 'fp32' ? 'onnx/model.onnx' : `onnx/model_${dtype}.onnx`;
}

/** The dtype of an onnx/*.onnx path, or null when the name does not follow the convention. */
export function dtypeOfFile(path: string): OrtDtype | null {
  const m = /(?:^|\/)model(?:_([a-z0-9]+))?\.onnx$/.exec(path);
  if (!m) return null;
  const d = (m[1] ?? 'fp32') as OrtDtype;
  return ORT_DTYPES.includes(d) ? d : null;
}

/**
 * Preference order: float16 weights only where the adapter has `shader-f16` (WebGPU); otherwise
 * 4-bit weights with float32 math, then full float32.
 */
export function dtypePreference(backend: 'webgpu' | 'wasm', features: Iterable<string>): OrtDtype[] {
  const f16 = backend === 'webgpu' && new Set(features).has('shader-f16');
  return f16 ? ['q4f16', 'fp16', 'q4', 'fp32', 'q8'] : ['q4', 'fp32', 'q8', 'int8', 'uint8'];
}

/**
 * The dtype to load. An override wins (checked against `available` when known). With the list
 * of files at hand (local folder) the first preferred dtype that exists is taken, else any
 * present one; without it (hub) the first preference.
 */
export function chooseDtype(opts: {
  backend: 'webgpu' | 'wasm';
  features: Iterable<string>;
  override?: OrtDtype;
  available?: string[];
}): OrtDtype {
  const availableDtypes = opts.available?.map(dtypeOfFile).filter((d): d is OrtDtype => d !== null);
  if (opts.override) {
    if (!ORT_DTYPES.includes(opts.override)) {
      throw new RangeError(`dtype must be one of ${ORT_DTYPES.join(', ')} (got ${String(opts.override)})`);
    }
    if (availableDtypes && !availableDtypes.includes(opts.override)) {
      throw new ModelLoadError('missing-file', `dtype ${opts.override} was asked for, but ${modelFileName(opts.override)} is not among the files (have: ${availableDtypes.map(modelFileName).join(', ') || 'no onnx/model*.onnx'})`, { file: modelFileName(opts.override) });
    }
    return opts.override;
  }
  const prefs = dtypePreference(opts.backend, opts.features);
  if (!availableDtypes) return prefs[0];
  const hit = prefs.find((d) => availableDtypes.includes(d)) ?? availableDtypes[0];
  if (!hit) throw new ModelLoadError('missing-file', 'Missing file onnx/model.onnx: there is no onnx/model*.onnx file among the model files.', { file: 'onnx/model.onnx' });
  return hit;
}
