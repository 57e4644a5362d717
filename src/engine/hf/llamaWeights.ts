// The weight files' tensors against config.json (every tensor the architecture needs, of its
// shape) and against the adapter's buffer limits (each tensor's GPU size, the total). Pure: the
// limits are numbers the caller reads from GPUAdapter/GPUDevice.limits.
import { ModelLoadError } from '../../llm/hub/modelLoadError.ts';
import { bf16sToFloat32, halvesToFloat32 } from '../../numeric/halfFloat.ts';
import { llamaTensorNames, llamaTensorShapes, type LlamaConfig } from '../llamaConfig.ts';
import type { SafetensorsDtype } from './safetensorsHeader.ts';

export interface TensorMeta {
  name: string;
  dtype: SafetensorsDtype;
  shape: readonly number[];
}

const shapeText = (s: readonly number[]) => `[${s.join(', ')}]`;

export interface TensorCheck {
  /** Tensors the engine takes from this file. */
  wanted: Set<string>;
  /** Tensors the file holds that config.json does not call for (a tied model's lm_head.weight, rotary caches…): not loaded. */
  ignored: string[];
}

/**
 * One file's tensors against the config: each tensor the config needs that the file holds must
 * have the config's shape. `complete` (a single-file model, or the union of all shards): every
 * needed tensor must be there.
 */
export function checkLlamaTensors(config: LlamaConfig, tensors: readonly TensorMeta[], file: string, opts: { complete?: boolean } = {}): TensorCheck {
  const expected = llamaTensorShapes(config);
  const wanted = new Set<string>();
  const ignored: string[] = [];
  for (const t of tensors) {
    const shape = expected.get(t.name);
    if (!shape) {
      ignored.push(t.name);
      continue;
    }
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      throw new ModelLoadError(
        'weights-mismatch',
        `${file}: tensor "${t.name}" has shape ${shapeText(t.shape)}, config.json (${config.family}) needs ${shapeText(shape)}.`,
        { file },
      );
    }
    wanted.add(t.name);
  }
  if (opts.complete) {
    const absent = [...expected.keys()].filter((n) => !wanted.has(n));
    if (absent.length > 0) throw missingTensorsError(config, absent, file);
  }
  return { wanted, ignored };
}

/** Tensors the config needs that a list of names (an index's weight_map, all headers) lacks. */
export function missingTensors(config: LlamaConfig, names: Iterable<string>): string[] {
  const have = new Set(names);
  return [...llamaTensorShapes(config).keys()].filter((n) => !have.has(n));
}

export function missingTensorsError(config: LlamaConfig, absent: readonly string[], where: string): ModelLoadError {
  const list = absent.slice(0, 5).join(', ') + (absent.length > 5 ? `, … (${absent.length} in all)` : '');
  const untiedHead = absent.includes(llamaTensorNames.lmHead) && !config.tieWordEmbeddings;
  const why = untiedHead ? ' config.json says tie_word_embeddings is false, so the LM head must be its own tensor lm_head.weight.' : '';
  return new ModelLoadError('weights-mismatch', `${where} lacks ${absent.length === 1 ? 'a tensor' : `${absent.length} tensors`} config.json (${config.family}) needs: ${list}.${why}`, { file: where });
}

// ---- GPU sizes and the adapter's limits ----

export type GpuWeightDtype = 'f32' | 'f16' | 'bf16';

/**
 * How a tensor is held on the GPU (docs: ENGINE.md "GPU tensors"): matrices keep the file's
 * precision (f16/bf16 two per u32 word); vectors — norm weights, biases — are widened to f32.
 * Bytes are rounded up to 4 (buffer sizes are multiples of 4).
 */
export function gpuWeightLayout(t: TensorMeta): { dtype: GpuWeightDtype; bytes: number } {
  const n = t.shape.reduce((a, b) => a * b, 1);
  if (t.shape.length <= 1 || t.dtype === 'F32') return { dtype: 'f32', bytes: 4 * n };
  return { dtype: t.dtype === 'F16' ? 'f16' : 'bf16', bytes: 4 * Math.ceil(n / 2) };
}

/**
 * The bytes to write to a tensor's GPU buffer, as gpuWeightLayout holds it: F32 as stored; a half
 * vector widened to f32; a half matrix as stored (two elements per u32 word, element e in the low
 * half when e is even — little-endian order), zero-padded to a multiple of 4 bytes.
 */
export function gpuUploadBytes(t: TensorMeta & { bytes: Uint8Array }): Uint8Array {
  const { dtype, bytes } = gpuWeightLayout(t);
  if (t.dtype === 'F32') return t.bytes;
  if (dtype === 'f32') {
    const aligned = t.bytes.byteOffset % 2 === 0 ? t.bytes : t.bytes.slice();
    const halves = new Uint16Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 2);
    const f32 = t.dtype === 'F16' ? halvesToFloat32(halves) : bf16sToFloat32(halves);
    return new Uint8Array(f32.buffer);
  }
  if (t.bytes.byteLength === bytes) return t.bytes;
  const padded = new Uint8Array(bytes);
  padded.set(t.bytes);
  return padded;
}

export interface WeightLimits {
  /** GPUDevice.limits.maxStorageBufferBindingSize: the most one shader binding may see. */
  maxStorageBufferBindingSize: number;
  /** GPUDevice.limits.maxBufferSize: the largest buffer that can be created. */
  maxBufferSize: number;
  /** Bytes all weights together may take (no WebGPU API reports device memory: the caller's budget), if any. */
  budgetBytes?: number;
}

export function formatBytes(n: number): string {
  return n >= 2 ** 30 ? `${(n / 2 ** 30).toFixed(2)} GiB` : `${(n / 2 ** 20).toFixed(1)} MiB`;
}

/**
 * Each tensor's GPU size against the per-buffer limits, and the total (with `alreadyBytes` held
 * by tensors checked before, e.g. earlier shards) against the budget. Returns the new total.
 */
export function checkWeightLimits(tensors: Iterable<TensorMeta>, limits: WeightLimits, what: string, alreadyBytes = 0): number {
  let total = alreadyBytes;
  let largest: { t: TensorMeta; bytes: number } | null = null;
  for (const t of tensors) {
    const { dtype, bytes } = gpuWeightLayout(t);
    const tooBig = (limit: string, value: number, consequence: string) =>
      new ModelLoadError(
        'too-large',
        `${what}: tensor "${t.name}" ${shapeText(t.shape)} takes ${formatBytes(bytes)} on the GPU as ${dtype}, more than this adapter's ${limit} (${formatBytes(value)}): ${consequence}`,
      );
    if (bytes > limits.maxBufferSize) throw tooBig('maxBufferSize', limits.maxBufferSize, 'no buffer that large can be created. Pick a smaller model.');
    if (bytes > limits.maxStorageBufferBindingSize) {
      throw tooBig('maxStorageBufferBindingSize', limits.maxStorageBufferBindingSize, 'a shader cannot bind it whole. Pick a smaller model, or an adapter with higher limits.');
    }
    total += bytes;
    if (!largest || bytes > largest.bytes) largest = { t, bytes };
  }
  if (limits.budgetBytes !== undefined && total > limits.budgetBytes) {
    const big = largest ? ` (largest tensor "${largest.t.name}", ${formatBytes(largest.bytes)})` : '';
    throw new ModelLoadError('too-large', `${what}: the weights take ${formatBytes(total)} on the GPU${big}, more than the ${formatBytes(limits.budgetBytes)} budget for weights. Pick a smaller model.`);
  }
  return total;
}

/** The tensors a config calls for, all in one dtype (config.json's torch_dtype): for the limit check before a download. */
export function plannedTensors(config: LlamaConfig, dtype: SafetensorsDtype): TensorMeta[] {
  return [...llamaTensorShapes(config)].map(([name, shape]) => ({ name, dtype, shape }));
}
