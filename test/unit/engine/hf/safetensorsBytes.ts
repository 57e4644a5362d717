// Safetensors byte buffers for the loader's tests beyond what test/util/safetensorsFile.ts writes:
// several dtypes in one file, malformed files (the header edited, its length misdeclared, raw
// text), and streams in chosen chunk sizes. Written from the format's description (u64 LE header
// length, JSON header, raw little-endian data), independent of src/engine/hf's parser.
import { Rng } from '../../../../src/sampling/rng.ts';
import { tensorBytes as encodeValues, type SafetensorsDtype as Dtype } from '../../../util/safetensorsFile.ts';

export type { Dtype };

export interface TensorSpec {
  name: string;
  dtype: Dtype;
  shape: number[];
  /** Element values (rounded to the dtype on encoding). */
  values: number[];
}

export function randomTensor(name: string, dtype: Dtype, shape: number[], rng: Rng): TensorSpec {
  const n = shape.reduce((a, b) => a * b, 1);
  return { name, dtype, shape, values: Array.from({ length: n }, () => rng.normal()) };
}

/** The raw little-endian bytes of a tensor's values (the shared test writer's encoder). */
export function tensorBytes(t: TensorSpec): Uint8Array {
  return encodeValues(Float32Array.from(t.values), t.dtype);
}

/** A header object + data, laid out in the given order (the writer's order, not necessarily sorted by name). */
export function layout(tensors: TensorSpec[], metadata: Record<string, string> = { format: 'pt' }): { header: Record<string, unknown>; data: Uint8Array } {
  const header: Record<string, unknown> = { __metadata__: metadata };
  const parts = tensors.map(tensorBytes);
  let at = 0;
  tensors.forEach((t, i) => {
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [at, at + parts[i].byteLength] };
    at += parts[i].byteLength;
  });
  const data = new Uint8Array(at);
  at = 0;
  for (const p of parts) {
    data.set(p, at);
    at += p.byteLength;
  }
  return { header, data };
}

/** header (any JSON value, or raw text) + data → file bytes, the header padded with spaces to 8 as safetensors writes it. */
export function join(header: unknown, data: Uint8Array, opts: { rawHeader?: string; declaredLength?: number } = {}): Uint8Array {
  let json = new TextEncoder().encode(opts.rawHeader ?? JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (opts.rawHeader === undefined && padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(opts.declaredLength ?? json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

export function encodeSafetensors(tensors: TensorSpec[], metadata?: Record<string, string>): Uint8Array {
  const { header, data } = layout(tensors, metadata);
  return join(header, data);
}

/** The file with its header edited (entries are the header's objects). */
export function editHeader(tensors: TensorSpec[], edit: (h: Record<string, Record<string, unknown>>) => void, data?: Uint8Array): Uint8Array {
  const l = layout(tensors);
  edit(l.header as Record<string, Record<string, unknown>>);
  return join(l.header, data ?? l.data);
}

/** A stream of the bytes in chunks of the given sizes (cycled), counting pulls and noting cancellation. */
export function chunkedStream(bytes: Uint8Array, sizes: number[]): { stream: ReadableStream<Uint8Array>; pulls: () => number; cancelled: () => boolean } {
  let at = 0, i = 0, pulls = 0, cancelled = false;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(ctl) {
        pulls++;
        if (at >= bytes.length) return ctl.close();
        const end = Math.min(bytes.length, at + sizes[i++ % sizes.length]);
        ctl.enqueue(bytes.slice(at, end));
        at = end;
      },
      cancel() {
        cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, pulls: () => pulls, cancelled: () => cancelled };
}
