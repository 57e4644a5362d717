// Writes safetensors files (the format ./safetensorsHeader.ts reads): [u64 LE header length N]
// [N bytes of JSON, space-padded to a multiple of 8] [raw little-endian data, tensors back to back
// in the order given]. Values are rounded to F16 / BF16 to nearest even (torch's .to()); bytes
// already encoded pass through untouched (a merged model's tensors that LoRA does not change).
// Pure: the PEFT export and the merged-model writer use it in the tab and in Node.
import { toHalfBits } from '../../numeric/halfFloat.ts';
import { DTYPE_BYTES, type SafetensorsDtype } from './safetensorsHeader.ts';

export type TensorToWrite =
  /** values rounded to `dtype` on writing */
  | { name: string; dtype: SafetensorsDtype; shape: readonly number[]; values: ArrayLike<number> }
  /** bytes already in `dtype`'s little-endian encoding */
  | { name: string; dtype: SafetensorsDtype; shape: readonly number[]; bytes: Uint8Array };

const count = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** The little-endian bytes of values in a dtype. */
export function encodeValues(values: ArrayLike<number>, dtype: SafetensorsDtype): Uint8Array {
  if (dtype === 'F32') {
    const out = new Uint8Array(values.length * 4);
    const dv = new DataView(out.buffer);
    for (let i = 0; i < values.length; i++) dv.setFloat32(4 * i, values[i], true);
    return out;
  }
  const bits = toHalfBits(values, dtype === 'F16' ? 'f16' : 'bf16');
  const out = new Uint8Array(bits.length * 2);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < bits.length; i++) dv.setUint16(2 * i, bits[i], true);
  return out;
}

/** One safetensors file. Names must be unique; `metadata` goes to `__metadata__` (strings only). */
export function writeSafetensors(tensors: readonly TensorToWrite[], metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = Object.keys(metadata).length > 0 ? { __metadata__: metadata } : {};
  const parts: Uint8Array[] = [];
  let at = 0;
  for (const t of tensors) {
    if (t.name === '__metadata__' || Object.hasOwn(header, t.name)) throw new RangeError(`safetensors: tensor name "${t.name}" is reserved or given twice`);
    const n = count(t.shape);
    const bytes = 'bytes' in t ? t.bytes : encodeValues(t.values, t.dtype);
    if ('values' in t && t.values.length !== n) throw new RangeError(`safetensors: tensor "${t.name}" has ${t.values.length} values, shape [${t.shape.join(', ')}] needs ${n}`);
    if (bytes.byteLength !== n * DTYPE_BYTES[t.dtype]) {
      throw new RangeError(`safetensors: tensor "${t.name}" has ${bytes.byteLength} bytes, shape [${t.shape.join(', ')}] of ${t.dtype} needs ${n * DTYPE_BYTES[t.dtype]}`);
    }
    header[t.name] = { dtype: t.dtype, shape: [...t.shape], data_offsets: [at, at + bytes.byteLength] };
    parts.push(bytes);
    at += bytes.byteLength;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + padded + at);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, padded, true);
  dv.setUint32(4, 0, true); // headers stay far below 4 GiB (the reader's limit is 100 MB)
  out.fill(0x20, 8, 8 + padded);
  out.set(json, 8);
  let pos = 8 + padded;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.byteLength;
  }
  return out;
}
