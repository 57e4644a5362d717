// The safetensors header, parsed and checked once for every reader (hub weights, the toy's own
// checkpoints). Layout: [u64 little-endian N] [N bytes of JSON] [data], the JSON an object
// { "__metadata__"?: {string: string}, "<tensor>": { dtype, shape, data_offsets: [begin, end] } }
// with offsets relative to the start of the data. As in the reference implementation
// (huggingface/safetensors, `validate`), tensors must tile the data exactly: no gap, no overlap,
// nothing past the end, and each byte range must hold product(shape) · itemsize bytes.
// Errors are ModelLoadErrors that name the file and the tensor.
import { ModelLoadError } from '../../llm/hub/modelLoadError.ts';

export type SafetensorsDtype = 'F32' | 'F16' | 'BF16';
export const SAFETENSORS_DTYPES: readonly SafetensorsDtype[] = ['F32', 'F16', 'BF16'];
export const DTYPE_BYTES: Record<SafetensorsDtype, number> = { F32: 4, F16: 2, BF16: 2 };
/** Item sizes of the dtypes safetensors knows but we do not read (to say so instead of "unknown"). */
const OTHER_DTYPES = ['F64', 'I64', 'I32', 'I16', 'I8', 'U64', 'U32', 'U16', 'U8', 'BOOL', 'F8_E4M3', 'F8_E5M2', 'F8_E8M0', 'F4', 'F6_E2M3', 'F6_E3M2', 'C64'];

/** The reference implementation's limit: a larger header is a corrupt (or hostile) file. */
export const MAX_HEADER_BYTES = 100_000_000;

export interface TensorInfo {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  /** Byte range in the data section (the file offset is dataStart + begin). */
  begin: number;
  end: number;
}

export interface HeaderEntries {
  /** Every tensor, in data order. */
  tensors: TensorInfo[];
  metadata: Record<string, string>;
}

export interface SafetensorsHeader extends HeaderEntries {
  /** Byte offset of the data section in the file: 8 + the JSON header's length. */
  dataStart: number;
}

export interface HeaderOptions {
  /** The data section's byte count, when the file's size is known: offsets are checked against it. */
  dataBytes?: number | null;
  /** Dtypes accepted (default F32, F16, BF16). */
  dtypes?: readonly SafetensorsDtype[];
}

const corrupt = (file: string, message: string) => new ModelLoadError('corrupt-file', message, { file });

/** N from the file's first 8 bytes, checked against the limit and (when known) the file size. */
export function readHeaderLength(first8: Uint8Array, file: string, fileSize?: number | null): number {
  if (first8.byteLength < 8) throw corrupt(file, `${file} is truncated: ${first8.byteLength} bytes, the header length alone needs 8.`);
  const dv = new DataView(first8.buffer, first8.byteOffset, 8);
  const n = dv.getUint32(0, true) + dv.getUint32(4, true) * 2 ** 32;
  if (n > MAX_HEADER_BYTES) throw corrupt(file, `${file}: header length ${n} is implausibly large (limit ${MAX_HEADER_BYTES} bytes); not a safetensors file, or corrupt.`);
  if (fileSize !== undefined && fileSize !== null && 8 + n > fileSize) {
    throw corrupt(file, `${file} is truncated: header needs ${n} bytes, only ${Math.max(0, fileSize - 8)} follow.`);
  }
  return n;
}

/** The header's JSON, as an object (not yet checked entry by entry). */
export function parseHeaderJson(json: Uint8Array, file: string): Record<string, unknown> {
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json));
  } catch (e) {
    throw new ModelLoadError('corrupt-file', `${file}: header is not valid JSON (${(e as Error).message}); truncated or not a safetensors file?`, { file, cause: e });
  }
  if (!isObject(header)) throw corrupt(file, `${file}: header must be a JSON object, got ${Array.isArray(header) ? 'an array' : typeof header}.`);
  return header;
}

/** Every entry checked, tensors in data order. */
export function validateHeader(header: Record<string, unknown>, file: string, opts: HeaderOptions = {}): HeaderEntries {
  const dtypes = opts.dtypes ?? SAFETENSORS_DTYPES;
  const metadata = readMetadata(header.__metadata__, file);
  const tensors: TensorInfo[] = [];
  for (const [name, e] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    tensors.push(readEntry(name, e, file, dtypes));
  }
  const dataBytes = opts.dataBytes ?? null;
  if (dataBytes !== null) {
    for (const t of tensors) {
      if (t.end > dataBytes) {
        throw corrupt(file, `${file}: tensor "${t.name}" data_offsets [${t.begin}, ${t.end}] out of range: the data section has ${dataBytes} bytes (file truncated?).`);
      }
    }
  }
  tensors.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let pos = 0;
  for (const t of tensors) {
    if (t.begin !== pos) {
      throw corrupt(file, `${file}: tensor "${t.name}" starts at byte ${t.begin} of the data, expected ${pos} (gap or overlap with the tensor before it).`);
    }
    pos = t.end;
  }
  if (dataBytes !== null && pos !== dataBytes) {
    throw corrupt(file, `${file}: the data section has ${dataBytes} bytes, the tensors cover ${pos} (${dataBytes - pos} bytes unaccounted for).`);
  }
  for (const t of tensors) {
    const need = t.shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES[t.dtype];
    if (t.end - t.begin !== need) {
      throw corrupt(file, `${file}: tensor "${t.name}" data_offsets [${t.begin}, ${t.end}] hold ${t.end - t.begin} bytes, but shape [${t.shape.join(', ')}] of ${t.dtype} needs ${need}.`);
    }
  }
  return { tensors, metadata };
}

/** A whole file in memory → its header (the data is bytes.subarray(header.dataStart)). */
export function parseSafetensors(bytes: Uint8Array, file: string, opts: Omit<HeaderOptions, 'dataBytes'> = {}): SafetensorsHeader {
  const n = readHeaderLength(bytes.subarray(0, 8), file, bytes.byteLength);
  const header = validateHeader(parseHeaderJson(bytes.subarray(8, 8 + n), file), file, { ...opts, dataBytes: bytes.byteLength - 8 - n });
  return { ...header, dataStart: 8 + n };
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function readMetadata(m: unknown, file: string): Record<string, string> {
  if (m === undefined) return {};
  if (!isObject(m)) throw corrupt(file, `${file}: __metadata__ must be an object of strings.`);
  for (const [k, v] of Object.entries(m)) {
    if (typeof v !== 'string') throw corrupt(file, `${file}: __metadata__["${k}"] must be a string, got ${typeof v}.`);
  }
  return m as Record<string, string>;
}

function readEntry(name: string, e: unknown, file: string, dtypes: readonly SafetensorsDtype[]): TensorInfo {
  if (!isObject(e)) throw corrupt(file, `${file}: tensor "${name}" must be an object with dtype, shape and data_offsets.`);
  const lacking = ['dtype', 'shape', 'data_offsets'].filter((k) => e[k] === undefined);
  if (lacking.length > 0) throw corrupt(file, `${file}: tensor "${name}" has no ${lacking.join(', ')}.`);
  const o = e.data_offsets;
  if (!Array.isArray(o) || o.length !== 2 || !o.every((x) => Number.isSafeInteger(x) && x >= 0) || o[1] < o[0]) {
    throw corrupt(file, `${file}: tensor "${name}" has invalid data_offsets ${JSON.stringify(o)} (want [begin, end], 0 ≤ begin ≤ end).`);
  }
  const s = e.shape;
  if (!Array.isArray(s) || !s.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw corrupt(file, `${file}: tensor "${name}" has invalid shape ${JSON.stringify(s)} (want a list of non-negative integers).`);
  }
  const d = e.dtype;
  if (typeof d !== 'string') throw corrupt(file, `${file}: tensor "${name}" has a dtype that is not a string: ${JSON.stringify(d)}.`);
  if (!(dtypes as readonly string[]).includes(d)) {
    const known = (SAFETENSORS_DTYPES as readonly string[]).includes(d) || OTHER_DTYPES.includes(d);
    throw new ModelLoadError(
      'unsupported-dtype',
      `${file}: tensor "${name}" has dtype ${d}, expected ${dtypes.join(' / ')} (${d} is ${known ? 'not supported' : 'not a safetensors dtype'}).`,
      { file },
    );
  }
  return { name, dtype: d as SafetensorsDtype, shape: s as number[], begin: o[0] as number, end: o[1] as number };
}
