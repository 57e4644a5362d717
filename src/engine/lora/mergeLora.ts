// The merged model: every adapted weight W [out, in] becomes W' = W + s·B·A (s = α/r, α/√r with
// rsLoRA), summed in float64 from the file's W and the f32 adapters, then written in the base's
// dtype: to f32 (nearest), and for F16 / BF16 from that f32 to the half format (nearest even) —
// the path torch takes. PEFT's merge_and_unload forms the delta in f32 and adds it to W in f32
// (`weight.data += delta` promotes) before the same rounding to the dtype; the two can differ by
// one unit in the last place of the dtype where the f32 sums differ across a rounding boundary.
// Every other tensor, the header order, the metadata and the shard split are kept byte for byte,
// so the folder loads like the base (same key names, same config.json).
// With `dtype: 'F32'` (inspection on our engine, ./peftSource.ts) the merged weights are written in
// f32 instead — no rounding of W + s·B·A to a half format — and so are the unadapted weights packed
// with them (q|k|v, gate|up: the engine packs a group in one dtype), exactly widened; an index's
// total_size follows. Pure.
import type { LlamaConfig } from '../llamaConfig.ts';
import { fromHalfBits } from '../../numeric/halfFloat.ts';
import { parseSafetensors, type SafetensorsDtype } from '../hf/safetensorsHeader.ts';
import { writeSafetensors, type TensorToWrite } from '../hf/safetensorsWrite.ts';
import type { LoraTarget } from './loraConfig.ts';
import type { LoraLayout, LoraSlot } from './loraLayout.ts';
import { baseWeightName } from './peftNames.ts';

/** W + s·B·A in float64 (W [out, in] row-major, A [r, in], B [out, r]). */
export function mergedWeight(w: ArrayLike<number>, slot: Pick<LoraSlot, 'inW' | 'outW' | 'a' | 'b'>, r: number, scaling: number, params: Float32Array): Float64Array {
  const { inW, outW } = slot;
  if (w.length !== inW * outW) throw new RangeError(`merge: W has ${w.length} elements, [${outW}, ${inW}] needs ${inW * outW}`);
  const out = Float64Array.from(w);
  const row = new Float64Array(inW);
  for (let o = 0; o < outW; o++) {
    row.fill(0);
    for (let k = 0; k < r; k++) {
      const bk = params[slot.b + o * r + k];
      if (bk === 0) continue;
      const a = slot.a + k * inW;
      for (let i = 0; i < inW; i++) row[i] += bk * params[a + i];
    }
    const base = o * inW;
    for (let i = 0; i < inW; i++) out[base + i] += scaling * row[i];
  }
  return out;
}

export interface MergeOptions {
  /** 'base' (default): merged weights in the base's dtype, as merge_and_unload saves them; 'F32': in f32 with their packing partners */
  dtype?: 'base' | 'F32';
}

/** Targets the engine packs into one weight (../hf/llamaGpuWeights.ts). */
const PACKED: LoraTarget[][] = [['q_proj', 'k_proj', 'v_proj'], ['gate_proj', 'up_proj']];

/** Unadapted weights packed with an adapted one (written in f32 with it). */
function partners(layout: LoraLayout): Set<string> {
  const out = new Set<string>();
  for (const s of layout.slots) {
    for (const group of PACKED) if (group.includes(s.target)) for (const t of group) out.add(baseWeightName(s.layer, t));
  }
  return out;
}

const decodeTensor = (bytes: Uint8Array, dtype: SafetensorsDtype): Float32Array => {
  const copy = bytes.slice();
  return dtype === 'F32' ? new Float32Array(copy.buffer) : fromHalfBits(new Uint16Array(copy.buffer), dtype === 'F16' ? 'f16' : 'bf16');
};

/** One weight file of the base with the adapter merged into the tensors it adapts. */
export function mergeIntoSafetensors(model: LlamaConfig, layout: LoraLayout, params: Float32Array, file: Uint8Array, fileName: string, opts: MergeOptions = {}): { bytes: Uint8Array; merged: string[] } {
  if (params.length !== layout.total) throw new RangeError(`the adapter vector has ${params.length} elements, the layout needs ${layout.total}`);
  const bySlot = new Map(layout.slots.map((s) => [baseWeightName(s.layer, s.target), s]));
  const widen = opts.dtype === 'F32' ? partners(layout) : new Set<string>();
  const h = parseSafetensors(file, fileName);
  const merged: string[] = [];
  const tensors: TensorToWrite[] = h.tensors.map((t) => {
    const bytes = file.subarray(h.dataStart + t.begin, h.dataStart + t.end);
    const slot = bySlot.get(t.name);
    if (!slot && widen.has(t.name) && t.dtype !== 'F32') return { name: t.name, dtype: 'F32', shape: t.shape, values: decodeTensor(bytes, t.dtype) };
    if (!slot) return { name: t.name, dtype: t.dtype, shape: t.shape, bytes };
    if (t.shape.length !== 2 || t.shape[0] !== slot.outW || t.shape[1] !== slot.inW) {
      throw new RangeError(`${fileName}: "${t.name}" has shape [${t.shape.join(', ')}], the adapter was made for [${slot.outW}, ${slot.inW}] (config of ${model.family})`);
    }
    merged.push(t.name);
    return { name: t.name, dtype: opts.dtype === 'F32' ? 'F32' : t.dtype, shape: t.shape, values: mergedWeight(decodeTensor(bytes, t.dtype), slot, layout.r, layout.scaling, params) };
  });
  return { bytes: writeSafetensors(tensors, h.metadata), merged };
}

/** Weight formats other than safetensors a base folder may carry: not copied (they would hold the unmerged weights). */
const STALE = /(\.bin|\.pt|\.pth|\.gguf|\.onnx|\.onnx_data|\.msgpack|\.h5|\.ckpt|pytorch_model\.bin\.index\.json)$|^onnx\//;

/** A weight file in another format than safetensors (left out of a merged folder). */
export const isOtherWeightFormat = (path: string): boolean => STALE.test(path);

/**
 * The base folder's files with the adapter merged: every *.safetensors merged (shards keep their
 * split and model.safetensors.index.json stays valid: sizes do not change), config.json, the
 * tokenizer files and the rest copied; weights in other formats left out. Throws when some
 * adapted weight is in none of the files.
 */
export function mergedModelFiles(
  model: LlamaConfig, layout: LoraLayout, params: Float32Array, base: ReadonlyMap<string, Uint8Array>, opts: MergeOptions = {},
): { files: Map<string, Uint8Array>; leftOut: string[] } {
  const files = new Map<string, Uint8Array>();
  const leftOut: string[] = [];
  const done = new Set<string>();
  for (const [name, bytes] of base) {
    if (name.endsWith('.safetensors')) {
      const m = mergeIntoSafetensors(model, layout, params, bytes, name, opts);
      m.merged.forEach((n) => done.add(n));
      files.set(name, m.bytes);
    } else if (STALE.test(name)) leftOut.push(name);
    else files.set(name, bytes);
  }
  const absent = layout.slots.map((s) => baseWeightName(s.layer, s.target)).filter((n) => !done.has(n));
  if (absent.length > 0) throw new RangeError(`merge: the base files lack ${absent.slice(0, 3).join(', ')}${absent.length > 3 ? ` (${absent.length} in all)` : ''}`);
  const index = files.get(INDEX);
  if (opts.dtype === 'F32' && index) files.set(INDEX, withTotalSize(index, files));
  return { files, leftOut };
}

const INDEX = 'model.safetensors.index.json';

/** The index with metadata.total_size = the tensor bytes of the (widened) shards. */
function withTotalSize(index: Uint8Array, files: ReadonlyMap<string, Uint8Array>): Uint8Array {
  const json = JSON.parse(new TextDecoder().decode(index)) as { metadata?: Record<string, unknown> };
  let total = 0;
  for (const [name, bytes] of files) {
    if (name.endsWith('.safetensors')) total += bytes.byteLength - parseSafetensors(bytes, name).dataStart;
  }
  json.metadata = { ...json.metadata, total_size: total };
  return new TextEncoder().encode(JSON.stringify(json, null, 2));
}
