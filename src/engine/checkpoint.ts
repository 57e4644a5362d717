// Checkpoints as ONE safetensors file, written and read by hand (no dependency):
//   [u64 little-endian header length N] [N bytes of JSON header, space-padded to 8] [raw data]
// Header: { "__metadata__": { string: string }, "<tensor>": { dtype, shape, data_offsets: [begin, end] } }
// with offsets relative to the start of the data. Tensors: the parameters by PARAM_NAMES, optionally
// the AdamW moments as `adam_m.<name>` / `adam_v.<name>`, all F32 little-endian.
// Reserved metadata keys: `format`, `config` (ModelConfig JSON), `optimizer_t` (when moments are
// present), `tokenizer` (optional JSON string). Any other string → string entry (training state:
// step, rng state, …) is stored as given.
import { PARAM_NAMES, paramLayout, paramShapes, validateConfig, type ModelConfig, type ParamName } from './config.ts';

export const CHECKPOINT_FORMAT = 'repro-toy-gpt2/1';
const RESERVED = ['format', 'config', 'optimizer_t', 'tokenizer'];
const MAX_HEADER_BYTES = 100_000_000;

export interface OptimizerMoments {
  m: Float32Array;
  v: Float32Array;
  t: number;
}

export interface Checkpoint {
  config: ModelConfig;
  params: Float32Array;
  optimizer?: OptimizerMoments;
  /** Tokenizer description (any JSON string), stored under `tokenizer`. */
  tokenizer?: string;
  /** Free string map (training state); reserved keys are rejected. */
  metadata?: Record<string, string>;
}

interface TensorEntry { dtype: string; shape: number[]; data_offsets: [number, number] }

export function encodeCheckpoint(ck: Checkpoint): Uint8Array {
  validateConfig(ck.config);
  const layout = paramLayout(ck.config);
  const shapes = paramShapes(ck.config);
  const tensors: { name: string; shape: number[]; data: Float32Array }[] = [];
  const addAll = (prefix: string, flat: Float32Array, what: string) => {
    if (flat.length !== layout.total) throw new RangeError(`${what} has ${flat.length} elements, the config needs ${layout.total}`);
    for (const n of PARAM_NAMES) {
      tensors.push({ name: prefix + n, shape: shapes[n], data: flat.subarray(layout.offsets[n], layout.offsets[n] + layout.sizes[n]) });
    }
  };
  addAll('', ck.params, 'params');
  const meta: Record<string, string> = { format: CHECKPOINT_FORMAT, config: JSON.stringify(pickConfig(ck.config)) };
  if (ck.optimizer) {
    const { t } = ck.optimizer;
    if (!Number.isInteger(t) || t < 0) throw new RangeError(`optimizer.t must be an integer >= 0, got ${t}`);
    addAll('adam_m.', ck.optimizer.m, 'optimizer.m');
    addAll('adam_v.', ck.optimizer.v, 'optimizer.v');
    meta.optimizer_t = String(t);
  }
  if (ck.tokenizer !== undefined) meta.tokenizer = ck.tokenizer;
  for (const [k, v] of Object.entries(ck.metadata ?? {})) {
    if (RESERVED.includes(k)) throw new RangeError(`metadata key "${k}" is reserved`);
    if (typeof v !== 'string') throw new TypeError(`metadata["${k}"] must be a string, got ${typeof v}`);
    meta[k] = v;
  }

  const header: Record<string, unknown> = { __metadata__: meta };
  let offset = 0;
  for (const t of tensors) {
    const bytes = t.data.length * 4;
    header[t.name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8; // safetensors pads the header with spaces
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.length + offset);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, json.length, true);
  dv.setUint32(4, 0, true);
  out.set(json, 8);
  let pos = 8 + json.length;
  for (const t of tensors) {
    for (let i = 0; i < t.data.length; i++, pos += 4) dv.setFloat32(pos, t.data[i], true);
  }
  return out;
}

export function decodeCheckpoint(bytes: Uint8Array): Checkpoint {
  if (bytes.length < 8) throw new RangeError(`checkpoint truncated: ${bytes.length} bytes, the header length alone needs 8`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = dv.getUint32(0, true) + dv.getUint32(4, true) * 4294967296;
  if (n > MAX_HEADER_BYTES) throw new RangeError(`checkpoint header length ${n} is implausibly large (limit ${MAX_HEADER_BYTES})`);
  if (8 + n > bytes.length) throw new RangeError(`checkpoint truncated: header needs ${n} bytes, only ${bytes.length - 8} follow`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    throw new SyntaxError(`checkpoint header is not valid JSON: ${(e as Error).message}`);
  }
  if (!isObject(header)) throw new TypeError('checkpoint header must be a JSON object');
  const data = bytes.subarray(8 + n);
  const meta = readMetadata(header.__metadata__);
  const config = readConfig(meta.config);
  const layout = paramLayout(config);
  const shapes = paramShapes(config);

  const entries = Object.entries(header).filter(([k]) => k !== '__metadata__');
  const known = new Set<string>();
  for (const n2 of PARAM_NAMES) for (const p of ['', 'adam_m.', 'adam_v.']) known.add(p + n2);
  for (const [name] of entries) if (!known.has(name)) throw new RangeError(`checkpoint has an unknown tensor "${name}"`);
  checkTiling(entries, data.length);

  const read = (prefix: string): Float32Array => {
    const flat = new Float32Array(layout.total);
    for (const pn of PARAM_NAMES) {
      const name = prefix + pn;
      const e = readEntry(header[name], name, shapes[pn], data.length);
      const ddv = new DataView(data.buffer, data.byteOffset + e.data_offsets[0], e.data_offsets[1] - e.data_offsets[0]);
      const base = layout.offsets[pn as ParamName];
      for (let i = 0; i < layout.sizes[pn]; i++) flat[base + i] = ddv.getFloat32(4 * i, true);
    }
    return flat;
  };
  const out: Checkpoint = { config, params: read('') };
  const hasM = 'adam_m.wte' in header, hasV = 'adam_v.wte' in header;
  if (hasM || hasV || meta.optimizer_t !== undefined) {
    const t = Number(meta.optimizer_t);
    if (meta.optimizer_t === undefined || !Number.isInteger(t) || t < 0) {
      throw new RangeError(`checkpoint metadata optimizer_t must be an integer >= 0 when moments are stored, got ${meta.optimizer_t}`);
    }
    out.optimizer = { m: read('adam_m.'), v: read('adam_v.'), t };
  }
  if (meta.tokenizer !== undefined) out.tokenizer = meta.tokenizer;
  const rest: Record<string, string> = {};
  for (const [k, v] of Object.entries(meta)) if (!RESERVED.includes(k)) rest[k] = v;
  out.metadata = rest;
  return out;
}

function pickConfig(c: ModelConfig): ModelConfig {
  return { vocabSize: c.vocabSize, blockSize: c.blockSize, nLayer: c.nLayer, nHead: c.nHead, nEmbd: c.nEmbd };
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function readMetadata(m: unknown): Record<string, string> {
  if (!isObject(m)) throw new TypeError('checkpoint header has no __metadata__ object');
  for (const [k, v] of Object.entries(m)) {
    if (typeof v !== 'string') throw new TypeError(`checkpoint __metadata__["${k}"] must be a string, got ${typeof v}`);
  }
  return m as Record<string, string>;
}

function readConfig(s: string | undefined): ModelConfig {
  if (s === undefined) throw new TypeError('checkpoint __metadata__ has no "config"');
  let c: unknown;
  try { c = JSON.parse(s); } catch (e) { throw new SyntaxError(`checkpoint __metadata__.config is not valid JSON: ${(e as Error).message}`); }
  if (!isObject(c)) throw new TypeError('checkpoint __metadata__.config must be a JSON object');
  const config = pickConfig(c as unknown as ModelConfig);
  validateConfig(config);
  return config;
}

function readEntry(e: unknown, name: string, shape: number[], dataLen: number): TensorEntry {
  if (e === undefined) throw new RangeError(`checkpoint is missing tensor "${name}"`);
  if (!isObject(e)) throw new TypeError(`checkpoint tensor "${name}" must be an object`);
  if (e.dtype !== 'F32') throw new TypeError(`checkpoint tensor "${name}" has dtype ${String(e.dtype)}, expected F32`);
  const s = e.shape;
  if (!Array.isArray(s) || s.length !== shape.length || s.some((d, i) => d !== shape[i])) {
    throw new RangeError(`checkpoint tensor "${name}" has shape ${JSON.stringify(s)}, the config needs [${shape.join(', ')}]`);
  }
  const [b, end] = e.data_offsets as [number, number];
  if (end - b !== 4 * shape.reduce((x, y) => x * y, 1) || end > dataLen) {
    throw new RangeError(`checkpoint tensor "${name}" data_offsets [${b}, ${end}] do not hold its ${shape.join('×')} F32 values within ${dataLen} data bytes`);
  }
  return e as unknown as TensorEntry;
}

/** Tensors must tile the data section exactly: no gaps, no overlaps, nothing past the end. */
function checkTiling(entries: [string, unknown][], dataLen: number): void {
  const spans: [number, number, string][] = [];
  for (const [name, e] of entries) {
    const o = isObject(e) ? e.data_offsets : undefined;
    if (!Array.isArray(o) || o.length !== 2 || !o.every((x) => Number.isInteger(x) && x >= 0) || o[1] < o[0]) {
      throw new RangeError(`checkpoint tensor "${name}" has invalid data_offsets ${JSON.stringify(o)}`);
    }
    if (o[1] > dataLen) {
      throw new RangeError(`checkpoint tensor "${name}" data_offsets [${o[0]}, ${o[1]}] out of range: the data section has ${dataLen} bytes (file truncated?)`);
    }
    spans.push([o[0], o[1], name]);
  }
  spans.sort((a, b) => a[0] - b[0]);
  let pos = 0;
  for (const [b, e, name] of spans) {
    if (b !== pos) throw new RangeError(`checkpoint tensor "${name}" starts at ${b}, expected ${pos} (gap or overlap)`);
    pos = e;
  }
  if (pos !== dataLen) throw new RangeError(`checkpoint data section has ${dataLen} bytes, tensors cover ${pos}`);
}
