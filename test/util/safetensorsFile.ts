// Test-side safetensors writer for Hugging Face layouts (F32, F16, BF16; one file or shards +
// model.safetensors.index.json), so tests build hub-style weight files themselves. Format:
// [u64 LE header length N][N bytes JSON, space-padded to 8][data], offsets relative to the data.
// Half formats round to nearest even (src/numeric/halfFloat.ts, what torch's .to() does).
import { toHalfBits } from '../../src/numeric/halfFloat.ts';

export type SafetensorsDtype = 'F32' | 'F16' | 'BF16';

export interface TensorSpec {
  name: string;
  shape: number[];
  /** The values (row-major), rounded to the file's dtype when written. */
  data: Float32Array;
}

export const BYTES_PER: Record<SafetensorsDtype, number> = { F32: 4, F16: 2, BF16: 2 };

/** Raw little-endian bytes of values in the given dtype. */
export function tensorBytes(data: Float32Array, dtype: SafetensorsDtype): Uint8Array {
  if (dtype === 'F32') {
    const out = new Uint8Array(data.length * 4);
    const dv = new DataView(out.buffer);
    for (let i = 0; i < data.length; i++) dv.setFloat32(i * 4, data[i], true);
    return out;
  }
  const bits = toHalfBits(data, dtype === 'F16' ? 'f16' : 'bf16');
  const out = new Uint8Array(bits.length * 2);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < bits.length; i++) dv.setUint16(i * 2, bits[i], true);
  return out;
}

export function encodeSafetensors(tensors: TensorSpec[], dtype: SafetensorsDtype, metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = metadata ? { __metadata__: metadata } : {};
  const chunks: Uint8Array[] = [];
  let at = 0;
  for (const t of tensors) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (n !== t.data.length) throw new RangeError(`tensor ${t.name}: shape [${t.shape}] needs ${n} values, got ${t.data.length}`);
    const bytes = tensorBytes(t.data, dtype);
    header[t.name] = { dtype, shape: t.shape, data_offsets: [at, at + bytes.length] };
    chunks.push(bytes);
    at += bytes.length;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + padded + at);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, padded, true); // high word 0: headers are far below 4 GiB
  out.fill(0x20, 8, 8 + padded);
  out.set(json, 8);
  let pos = 8 + padded;
  for (const c of chunks) {
    out.set(c, pos);
    pos += c.length;
  }
  return out;
}

export const INDEX_FILE = 'model.safetensors.index.json';

/**
 * model.safetensors (shards = 1), or `model-0000k-of-0000n.safetensors` holding consecutive
 * tensors of about equal bytes plus the index transformers writes ({metadata.total_size, weight_map}).
 */
export function weightFiles(tensors: TensorSpec[], dtype: SafetensorsDtype, shards = 1): Map<string, Uint8Array> {
  if (!Number.isInteger(shards) || shards < 1 || shards > tensors.length) {
    throw new RangeError(`shards must be an integer in [1, ${tensors.length}], got ${shards}`);
  }
  if (shards === 1) return new Map([['model.safetensors', encodeSafetensors(tensors, dtype, { format: 'pt' })]]);
  const total = tensors.reduce((a, t) => a + t.data.length * BYTES_PER[dtype], 0);
  const groups: TensorSpec[][] = Array.from({ length: shards }, () => []);
  let acc = 0;
  let k = 0;
  tensors.forEach((t, i) => {
    // Next shard once this one holds its share of the bytes, or when each later shard needs one of the rest.
    const full = acc >= ((k + 1) * total) / shards || tensors.length - i <= shards - 1 - k;
    if (groups[k].length > 0 && k < shards - 1 && full) k++;
    groups[k].push(t);
    acc += t.data.length * BYTES_PER[dtype];
  });
  const files = new Map<string, Uint8Array>();
  const weightMap: Record<string, string> = {};
  groups.forEach((g, k) => {
    const file = `model-${String(k + 1).padStart(5, '0')}-of-${String(shards).padStart(5, '0')}.safetensors`;
    files.set(file, encodeSafetensors(g, dtype, { format: 'pt' }));
    for (const t of g) weightMap[t.name] = file;
  });
  files.set(INDEX_FILE, new TextEncoder().encode(JSON.stringify({ metadata: { total_size: total }, weight_map: weightMap }, null, 2)));
  return files;
}
