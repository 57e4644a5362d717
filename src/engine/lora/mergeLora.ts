// The merged model: every adapted weight W [out, in] becomes W' = W + s·B·A (s = α/r, α/√r with
// rsLoRA), summed in float64 from the file's W and the f32 adapters, then written in the base's
// dtype: to f32 (nearest), and for F16 / BF16 from that f32 to the half format (nearest even) —
// the path torch takes. PEFT's merge_and_unload forms the delta in f32 and adds it to W in f32
// (`weight.data += delta` promotes) before the same rounding to the dtype; the two can differ by
// one unit in the last place of the dtype where the f32 sums differ across a rounding boundary.
// Every other tensor, the header order, the metadata and the shard split are kept byte for byte,
// so the folder loads like the base (same key names, same config.json). Pure.
import type { LlamaConfig } from '../llamaConfig.ts';
import { fromHalfBits } from '../../numeric/halfFloat.ts';
import { parseSafetensors } from '../hf/safetensorsHeader.ts';
import { writeSafetensors, type TensorToWrite } from '../hf/safetensorsWrite.ts';
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

/** One weight file of the base with the adapter merged into the tensors it adapts. */
export function mergeIntoSafetensors(model: LlamaConfig, layout: LoraLayout, params: Float32Array, file: Uint8Array, fileName: string): { bytes: Uint8Array; merged: string[] } {
  if (params.length !== layout.total) throw new RangeError(`the adapter vector has ${params.length} elements, the layout needs ${layout.total}`);
  const bySlot = new Map(layout.slots.map((s) => [baseWeightName(s.layer, s.target), s]));
  const h = parseSafetensors(file, fileName);
  const merged: string[] = [];
  const tensors: TensorToWrite[] = h.tensors.map((t) => {
    const bytes = file.subarray(h.dataStart + t.begin, h.dataStart + t.end);
    const slot = bySlot.get(t.name);
    if (!slot) return { name: t.name, dtype: t.dtype, shape: t.shape, bytes };
    if (t.shape.length !== 2 || t.shape[0] !== slot.outW || t.shape[1] !== slot.inW) {
      throw new RangeError(`${fileName}: "${t.name}" has shape [${t.shape.join(', ')}], the adapter was made for [${slot.outW}, ${slot.inW}] (config of ${model.family})`);
    }
    const copy = bytes.slice();
    const w = t.dtype === 'F32' ? new Float32Array(copy.buffer) : fromHalfBits(new Uint16Array(copy.buffer), t.dtype === 'F16' ? 'f16' : 'bf16');
    merged.push(t.name);
    return { name: t.name, dtype: t.dtype, shape: t.shape, values: mergedWeight(w, slot, layout.r, layout.scaling, params) };
  });
  return { bytes: writeSafetensors(tensors, h.metadata), merged };
}

/** Weight formats other than safetensors a base folder may carry: not copied (they would hold the unmerged weights). */
const STALE = /(\.bin|\.pt|\.pth|\.gguf|\.onnx|\.onnx_data|\.msgpack|\.h5|\.ckpt|pytorch_model\.bin\.index\.json)$|^onnx\//;

/**
 * The base folder's files with the adapter merged: every *.safetensors merged (shards keep their
 * split and model.safetensors.index.json stays valid: sizes do not change), config.json, the
 * tokenizer files and the rest copied; weights in other formats left out. Throws when some
 * adapted weight is in none of the files.
 */
export function mergedModelFiles(model: LlamaConfig, layout: LoraLayout, params: Float32Array, base: ReadonlyMap<string, Uint8Array>): { files: Map<string, Uint8Array>; leftOut: string[] } {
  const files = new Map<string, Uint8Array>();
  const leftOut: string[] = [];
  const done = new Set<string>();
  for (const [name, bytes] of base) {
    if (name.endsWith('.safetensors')) {
      const m = mergeIntoSafetensors(model, layout, params, bytes, name);
      m.merged.forEach((n) => done.add(n));
      files.set(name, m.bytes);
    } else if (STALE.test(name)) leftOut.push(name);
    else files.set(name, bytes);
  }
  const absent = layout.slots.map((s) => baseWeightName(s.layer, s.target)).filter((n) => !done.has(n));
  if (absent.length > 0) throw new RangeError(`merge: the base files lack ${absent.slice(0, 3).join(', ')}${absent.length > 3 ? ` (${absent.length} in all)` : ''}`);
  return { files, leftOut };
}
