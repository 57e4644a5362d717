// safetensors checkpoints: exact round trips, the on-disk layout read back independently, and
// clear errors for corrupted files.
import { describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint } from '../../../src/engine/checkpoint.ts';
import { paramLayout } from '../../../src/engine/config.ts';
import { Rng } from '../../../src/sampling/rng.ts';
import { TINY, randomArray } from './fixtures.ts';

const total = paramLayout(TINY).total;
const rng = new Rng(3);
const params = Float32Array.from(randomArray(total, rng));
const m = Float32Array.from(randomArray(total, rng));
const v = Float32Array.from(randomArray(total, rng)).map(Math.abs);
const metadata = { step: '42', rng: JSON.stringify([1, 2, 3, 4]), note: 'ünïcode ✓' };

/** Splits a file into its parsed header and data section (an independent reader). */
function split(bytes: Uint8Array): { header: Record<string, unknown>; data: Uint8Array } {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return { header: JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))), data: bytes.subarray(8 + n) };
}

function join(header: unknown, data: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function mutateHeader(bytes: Uint8Array, f: (h: Record<string, Record<string, unknown>>) => void): Uint8Array {
  const { header, data } = split(bytes);
  f(header as Record<string, Record<string, unknown>>);
  return join(header, data);
}

describe('checkpoint round trip', () => {
  it('restores params, moments, step, tokenizer and metadata exactly', () => {
    const bytes = encodeCheckpoint({ config: TINY, params, optimizer: { m, v, t: 17 }, tokenizer: '{"vocab":["a"]}', metadata });
    const ck = decodeCheckpoint(bytes);
    expect(ck.config).toEqual(TINY);
    expect(ck.params).toEqual(params);
    expect(ck.optimizer).toEqual({ m, v, t: 17 });
    expect(ck.tokenizer).toBe('{"vocab":["a"]}');
    expect(ck.metadata).toEqual(metadata);
  });
  it('works without optimizer state, and from an unaligned view', () => {
    const bytes = encodeCheckpoint({ config: TINY, params });
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    const ck = decodeCheckpoint(shifted.subarray(3));
    expect(ck.params).toEqual(params);
    expect(ck.optimizer).toBeUndefined();
    expect(ck.metadata).toEqual({});
  });
  it('writes the safetensors layout: u64 header length, padded JSON header, F32 LE tensors by name', () => {
    const bytes = encodeCheckpoint({ config: TINY, params, optimizer: { m, v, t: 1 } });
    const { header, data } = split(bytes);
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const meta = header.__metadata__ as Record<string, string>;
    expect(JSON.parse(meta.config)).toEqual(TINY);
    const qkvw = header.qkvw as { dtype: string; shape: number[]; data_offsets: [number, number] };
    expect(qkvw.dtype).toBe('F32');
    expect(qkvw.shape).toEqual([2, 24, 8]);
    const lay = paramLayout(TINY);
    const f = new DataView(data.buffer, data.byteOffset + qkvw.data_offsets[0]);
    expect(f.getFloat32(4 * 5, true)).toBe(params[lay.offsets.qkvw + 5]);
    const am = header['adam_m.lnfb'] as { data_offsets: [number, number] };
    expect(new DataView(data.buffer, data.byteOffset + am.data_offsets[0]).getFloat32(4, true)).toBe(m[lay.offsets.lnfb + 1]);
    expect(Object.keys(header)).toHaveLength(1 + 3 * 16);
  });
  it('rejects bad input to encode, naming it', () => {
    expect(() => encodeCheckpoint({ config: TINY, params: new Float32Array(3) })).toThrow(/params has 3/);
    expect(() => encodeCheckpoint({ config: TINY, params, metadata: { config: 'x' } })).toThrow(/"config" is reserved/);
    expect(() => encodeCheckpoint({ config: TINY, params, optimizer: { m, v: new Float32Array(1), t: 0 } })).toThrow(/optimizer\.v/);
  });
});

describe('checkpoint corruption', () => {
  const good = encodeCheckpoint({ config: TINY, params, optimizer: { m, v, t: 2 } });
  it('truncated files', () => {
    expect(() => decodeCheckpoint(good.subarray(0, 5))).toThrow(/truncated/);
    expect(() => decodeCheckpoint(good.subarray(0, 100))).toThrow(/truncated: header needs/);
    expect(() => decodeCheckpoint(good.subarray(0, good.length - 4))).toThrow(/out of range.*truncated/);
  });
  it('bad header JSON', () => {
    const bad = good.slice();
    bad[9] = 0x7b; // '{' inside the JSON
    expect(() => decodeCheckpoint(bad)).toThrow(/not valid JSON/);
  });
  it('wrong dtype', () => {
    expect(() => decodeCheckpoint(mutateHeader(good, (h) => { h.fcb.dtype = 'F16'; }))).toThrow(/"fcb" has dtype F16, expected F32/);
  });
  it('shape mismatch with the config', () => {
    const bad = mutateHeader(good, (h) => { h.wte.shape = [8, 11]; });
    expect(() => decodeCheckpoint(bad)).toThrow(/"wte" has shape \[8,11\], the config needs \[11, 8\]/);
    const otherConfig = mutateHeader(good, (h) => { h.__metadata__.config = JSON.stringify({ ...TINY, nEmbd: 16 }); });
    expect(() => decodeCheckpoint(otherConfig)).toThrow(/shape/);
  });
  it('offsets out of range, overlapping or with gaps', () => {
    expect(() => decodeCheckpoint(mutateHeader(good, (h) => { h.lnfb.data_offsets = [0, 1e9]; }))).toThrow(/"lnfb".*out of range/);
    expect(() => decodeCheckpoint(mutateHeader(good, (h) => { h.lnfb.data_offsets = [-4, 28]; }))).toThrow(/"lnfb" has invalid data_offsets/);
    expect(() => decodeCheckpoint(mutateHeader(good, (h) => { h.wpe.data_offsets = [0, 256]; }))).toThrow(/gap or overlap/);
  });
  it('missing, unknown or inconsistent entries', () => {
    const { header, data } = split(good);
    const h2 = { ...header };
    delete h2.ln2w;
    expect(() => decodeCheckpoint(join(h2, data))).toThrow(/starts at|missing tensor "ln2w"/);
    expect(() => decodeCheckpoint(mutateHeader(good, (h) => { h.extra = h.lnfb; }))).toThrow(/unknown tensor "extra"/);
    expect(() => decodeCheckpoint(mutateHeader(good, (h) => { delete h.__metadata__.optimizer_t; }))).toThrow(/optimizer_t/);
    expect(() => decodeCheckpoint(mutateHeader(good, (h) => { delete h.__metadata__.config; }))).toThrow(/no "config"/);
    expect(() => decodeCheckpoint(mutateHeader(good, (h) => { h.__metadata__.step = 3 as unknown as string; }))).toThrow(/__metadata__\["step"\] must be a string/);
  });
});
