// Checkpoints as ONE safetensors file, written and read by hand (no dependency):
//   [u64 little-endian header length N] [N bytes of JSON header, space-padded to 8] [raw data]
// Header: { "__metadata__": { string: string }, "<tensor>": { dtype, shape, data_offsets: [begin, end] } }
// with offsets relative to the start of the data. Tensors: the parameters by PARAM_NAMES, optionally
// the AdamW moments as `adam_m.<name>` / `adam_v.<name>`, all F32 little-endian.
// Reserved metadata keys: `format`, `config` (ModelConfig JSON), `optimizer_t` (when moments are
// present), `tokenizer` (optional JSON string). Any other string → string entry (training state:
// step, rng state, …) is stored as given.
import { PARAM_NAMES, paramLayout, paramShapes, validateConfig, type ModelConfig, type ParamName } from './config.ts';
import { parseHeaderJson, readHeaderLength, validateHeader } from './hf/safetensorsHeader.ts';

export const CHECKPOINT_FORMAT = 'repro-toy-gpt2/1';
const RESERVED = ['format', 'config', 'optimizer_t', 'tokenizer'];
/** How the shared parser's messages name the file. */
const WHAT = 'checkpoint';

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
  // The header is read and its entries checked (dtype F32, offsets tiling the data, byte counts)
  // by the one safetensors parser; what is checkpoint-specific (metadata, names, shapes) is here.
  const n = readHeaderLength(bytes.subarray(0, 8), WHAT, bytes.length);
  const header = parseHeaderJson(bytes.subarray(8, 8 + n), WHAT);
  const data = bytes.subarray(8 + n);
  const meta = readMetadata(header.__metadata__);
  const config = readConfig(meta.config);
  const layout = paramLayout(config);
  const shapes = paramShapes(config);

  const known = new Set<string>();
  for (const n2 of PARAM_NAMES) for (const p of ['', 'adam_m.', 'adam_v.']) known.add(p + n2);
  for (const name of Object.keys(header)) if (name !== '__metadata__' && !known.has(name)) throw new RangeError(`checkpoint has an unknown tensor "${name}"`);
  const byName = new Map(validateHeader(header, WHAT, { dataBytes: data.length, dtypes: ['F32'] }).tensors.map((t) => [t.name, t]));

  const read = (prefix: string): Float32Array => {
    const flat = new Float32Array(layout.total);
    for (const pn of PARAM_NAMES) {
      const name = prefix + pn;
      const t = byName.get(name);
      if (!t) throw new RangeError(`checkpoint is missing tensor "${name}"`);
      const shape = shapes[pn];
      if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
        throw new RangeError(`checkpoint tensor "${name}" has shape ${JSON.stringify(t.shape)}, the config needs [${shape.join(', ')}]`);
      }
      const ddv = new DataView(data.buffer, data.byteOffset + t.begin, t.end - t.begin);
      const base = layout.offsets[pn as ParamName];
      for (let i = 0; i < layout.sizes[pn]; i++) flat[base + i] = ddv.getFloat32(4 * i, true);
    }
    return flat;
  };
  const out: Checkpoint = { config, params: read('') };
  const hasM = byName.has('adam_m.wte'), hasV = byName.has('adam_v.wte');
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
