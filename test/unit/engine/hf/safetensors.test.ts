// The safetensors reader: every corruption gets its own error naming the file (and the tensor),
// and the streaming reader hands over exactly the bytes the file holds, whatever the chunking.
import { describe, expect, it } from 'vitest';
import { ModelLoadError } from '../../../../src/llm/hub/modelLoadError.ts';
import { parseSafetensors, type SafetensorsHeader } from '../../../../src/engine/hf/safetensorsHeader.ts';
import { streamSafetensors, type StreamedTensor } from '../../../../src/engine/hf/safetensorsStream.ts';
import { bf16ToFloat, halfToFloat } from '../../../../src/numeric/halfFloat.ts';
import { Rng } from '../../../../src/sampling/rng.ts';
import { chunkedStream, editHeader, encodeSafetensors, join, layout, randomTensor, type TensorSpec } from './safetensorsBytes.ts';

const F = 'model.safetensors';
const rng = new Rng(21);
// Odd sizes (3·5 F16 = 30 bytes, 7 BF16 = 14 bytes) so tensors straddle chunk boundaries unevenly.
const TENSORS: TensorSpec[] = [
  randomTensor('model.embed_tokens.weight', 'BF16', [6, 4], rng),
  randomTensor('a.f16', 'F16', [3, 5], rng),
  randomTensor('b.bf16', 'BF16', [7], rng),
  randomTensor('c.f32', 'F32', [2, 3], rng),
  randomTensor('empty', 'F32', [0, 4], rng),
  randomTensor('scalar', 'F32', [], rng),
];
const FILE = encodeSafetensors(TENSORS);

function expectError(f: () => unknown, kind: string, message: RegExp): void {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ModelLoadError);
  expect((err as ModelLoadError).kind).toBe(kind);
  expect((err as ModelLoadError).file).toBe(F);
  expect((err as Error).message).toMatch(message);
}

/** Element values decoded from raw bytes (an independent decode of each dtype). */
function decode(t: { dtype: string; bytes: Uint8Array }): number[] {
  const dv = new DataView(t.bytes.buffer, t.bytes.byteOffset, t.bytes.byteLength);
  const size = t.dtype === 'F32' ? 4 : 2;
  return Array.from({ length: t.bytes.byteLength / size }, (_, i) =>
    t.dtype === 'F32' ? dv.getFloat32(4 * i, true) : t.dtype === 'F16' ? halfToFloat(dv.getUint16(2 * i, true)) : bf16ToFloat(dv.getUint16(2 * i, true)),
  );
}

describe('header', () => {
  it('reads every entry in data order with its offsets; values decode to the rounded originals', () => {
    const h = parseSafetensors(FILE, F);
    expect(h.metadata).toEqual({ format: 'pt' });
    expect(h.tensors.map((t) => t.name)).toEqual(TENSORS.map((t) => t.name));
    expect(h.tensors.map((t) => t.end - t.begin)).toEqual([48, 30, 14, 24, 0, 4]);
    expect(h.dataStart % 8).toBe(0);
    const f16 = h.tensors[1];
    const vals = decode({ dtype: 'F16', bytes: FILE.subarray(h.dataStart + f16.begin, h.dataStart + f16.end) });
    vals.forEach((v, i) => expect(Math.abs(v - TENSORS[1].values[i])).toBeLessThanOrEqual(Math.abs(TENSORS[1].values[i]) * 2 ** -11 + 2 ** -25));
    expect(decode({ dtype: 'F32', bytes: FILE.subarray(FILE.length - 4) })[0]).toBe(Math.fround(TENSORS[5].values[0]));
  });

  it('header length past the file, or absurdly large', () => {
    const { header, data } = layout(TENSORS);
    expectError(() => parseSafetensors(FILE.subarray(0, 5), F), 'corrupt-file', /model\.safetensors is truncated: 5 bytes, the header length alone needs 8/);
    expectError(() => parseSafetensors(join(header, data, { declaredLength: FILE.length }), F), 'corrupt-file', new RegExp(`truncated: header needs ${FILE.length} bytes, only ${FILE.length - 8} follow`));
    expectError(() => parseSafetensors(join(header, data, { declaredLength: 2 ** 40 }), F), 'corrupt-file', /header length 1099511627776 is implausibly large \(limit 100000000 bytes\)/);
  });

  it('a header that is not JSON, or not an object', () => {
    expectError(() => parseSafetensors(join(null, new Uint8Array(0), { rawHeader: '{"a": {"dtype": "F3' }), F), 'corrupt-file', /header is not valid JSON/);
    expectError(() => parseSafetensors(join([1, 2], new Uint8Array(0)), F), 'corrupt-file', /header must be a JSON object, got an array/);
    expectError(() => parseSafetensors(join(null, new Uint8Array(0), { rawHeader: '\xff\xfe' }), F), 'corrupt-file', /not valid JSON/);
  });

  it('an entry without dtype, shape or data_offsets, or with them malformed', () => {
    for (const key of ['dtype', 'shape', 'data_offsets']) {
      expectError(() => parseSafetensors(editHeader(TENSORS, (h) => delete h['c.f32'][key]), F), 'corrupt-file', new RegExp(`tensor "c\\.f32" has no ${key}`));
    }
    expectError(() => parseSafetensors(editHeader(TENSORS, (h) => (h['c.f32'] = [1] as never)), F), 'corrupt-file', /"c\.f32" must be an object/);
    expectError(() => parseSafetensors(editHeader(TENSORS, (h) => (h['c.f32'].shape = [2, -3])), F), 'corrupt-file', /"c\.f32" has invalid shape \[2,-3\]/);
    expectError(() => parseSafetensors(editHeader(TENSORS, (h) => (h['c.f32'].data_offsets = [92, 68])), F), 'corrupt-file', /"c\.f32" has invalid data_offsets \[92,68\]/);
    expectError(() => parseSafetensors(editHeader(TENSORS, (h) => (h.__metadata__.step = 3 as never)), F), 'corrupt-file', /__metadata__\["step"\] must be a string, got number/);
  });

  it('a dtype it does not read is named', () => {
    expectError(() => parseSafetensors(editHeader(TENSORS, (h) => (h['b.bf16'].dtype = 'F8_E4M3')), F), 'unsupported-dtype', /tensor "b\.bf16" has dtype F8_E4M3, expected F32 \/ F16 \/ BF16 \(F8_E4M3 is not supported\)/);
    expectError(() => parseSafetensors(editHeader(TENSORS, (h) => (h['b.bf16'].dtype = 'I8')), F), 'unsupported-dtype', /I8 is not supported/);
    expectError(() => parseSafetensors(editHeader(TENSORS, (h) => (h['b.bf16'].dtype = 'Q4_K')), F), 'unsupported-dtype', /Q4_K is not a safetensors dtype/);
  });

  it('offsets out of range, overlapping, with a gap, or disagreeing with the shape', () => {
    expectError(() => parseSafetensors(FILE.subarray(0, FILE.length - 3), F), 'corrupt-file', /tensor "scalar" data_offsets \[116, 120\] out of range: the data section has 117 bytes \(file truncated\?\)/);
    expectError(() => parseSafetensors(editHeader(TENSORS, (h) => (h['b.bf16'].data_offsets = [70, 84])), F), 'corrupt-file', /tensor "b\.bf16" starts at byte 70 of the data, expected 78 \(gap or overlap/);
    // A gap: one tensor's bytes left out of the header.
    expectError(() => parseSafetensors(editHeader(TENSORS, (h) => delete h['a.f16']), F), 'corrupt-file', /tensor "b\.bf16" starts at byte 78 of the data, expected 48/);
    expectError(() => parseSafetensors(editHeader(TENSORS, (h) => (h['c.f32'].shape = [2, 4])), F), 'corrupt-file', /tensor "c\.f32" data_offsets \[92, 116\] hold 24 bytes, but shape \[2, 4\] of F32 needs 32/);
    expectError(() => parseSafetensors(editHeader(TENSORS, (h) => (h['a.f16'].dtype = 'F32')), F), 'corrupt-file', /"a\.f16" .* hold 30 bytes, but shape \[3, 5\] of F32 needs 60/);
    const longer = new Uint8Array(FILE.length + 6);
    longer.set(FILE);
    expectError(() => parseSafetensors(longer, F), 'corrupt-file', /the data section has 126 bytes, the tensors cover 120 \(6 bytes unaccounted for\)/);
  });
});

async function streamAll(bytes: Uint8Array, sizes: number[], opts: Partial<Parameters<typeof streamSafetensors>[1]> = {}) {
  const src = chunkedStream(bytes, sizes);
  const got: StreamedTensor[] = [];
  const header = await streamSafetensors(src.stream, { file: F, onTensor: (t) => void got.push(t), ...opts });
  return { header, got, src };
}

describe('streaming', () => {
  const whole = parseSafetensors(FILE, F);
  const expected = whole.tensors.map((t) => FILE.slice(whole.dataStart + t.begin, whole.dataStart + t.end));

  it('hands over the same tensors, byte for byte, for 1-byte, odd and whole-file chunks', async () => {
    for (const sizes of [[1], [3], [7, 1, 13], [64], [FILE.length]]) {
      for (const totalBytes of [FILE.length, null]) {
        const { header, got } = await streamAll(FILE, sizes, { totalBytes });
        expect(header.tensors).toEqual(whole.tensors);
        expect(got.map((t) => t.name)).toEqual(whole.tensors.map((t) => t.name));
        got.forEach((t, i) => {
          expect(t.bytes).toEqual(expected[i]);
          expect(t.bytes.byteOffset).toBe(0);
          expect(t.bytes.buffer.byteLength).toBe(t.end - t.begin); // its own buffer, not a view of a chunk
        });
        expect(decode(got[3])).toEqual(TENSORS[3].values.map(Math.fround));
      }
    }
  });

  it('skips unwanted tensors, reports progress up to the file size, and waits for the consumer', async () => {
    const progress: number[] = [];
    const src = chunkedStream(FILE, [5]);
    const seen: string[] = [];
    const pullsDuringWait: number[] = [];
    await streamSafetensors(src.stream, {
      file: F,
      totalBytes: FILE.length,
      wanted: (t) => t.dtype !== 'BF16',
      onProgress: (loaded, total) => {
        expect(total).toBe(FILE.length);
        progress.push(loaded);
      },
      onTensor: async (t) => {
        seen.push(t.name);
        const before = src.pulls();
        await new Promise((r) => setTimeout(r, 5));
        pullsDuringWait.push(src.pulls() - before);
      },
    });
    expect(seen).toEqual(['a.f16', 'c.f32', 'empty', 'scalar']);
    expect(pullsDuringWait.every((n) => n === 0)).toBe(true);
    expect(progress.at(-1)).toBe(FILE.length);
    expect(progress.every((p, i) => i === 0 || p > progress[i - 1])).toBe(true);
  });

  it('a stream that ends inside a tensor names it; with the size known, the header check refuses before any tensor', async () => {
    const cut = FILE.subarray(0, whole.dataStart + 60); // inside a.f16 (data bytes 48–78)
    await expect(streamAll(cut, [7])).rejects.toThrow(/model\.safetensors is truncated: the stream ended after \d+ bytes, inside tensor "a\.f16"/);
    const r = streamAll(cut, [7], { totalBytes: cut.length });
    await expect(r).rejects.toMatchObject({ kind: 'corrupt-file', message: expect.stringMatching(/"a\.f16" data_offsets \[48, 78\] out of range/) });
    await expect(streamAll(FILE.subarray(0, 6), [2])).rejects.toThrow(/inside the 8-byte header length/);
    await expect(streamAll(FILE.subarray(0, 20), [3])).rejects.toThrow(/inside the \d+-byte header/);
    const longer = new Uint8Array(FILE.length + 2);
    longer.set(FILE);
    await expect(streamAll(longer, [9])).rejects.toThrow(/2 bytes follow the last tensor/);
  });

  it('cancel mid-stream: aborted, the source cancelled, nothing more handed over', async () => {
    const ac = new AbortController();
    const src = chunkedStream(FILE, [3]);
    const seen: string[] = [];
    const run = streamSafetensors(src.stream, {
      file: F,
      signal: ac.signal,
      onTensor: (t) => {
        seen.push(t.name);
        if (seen.length === 2) ac.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ kind: 'aborted', message: 'Reading model.safetensors was cancelled.' });
    expect(seen).toEqual(['model.embed_tokens.weight', 'a.f16']);
    expect(src.cancelled()).toBe(true);
  });

  it('a refusal from onHeader or onTensor stops the read and cancels the source; a failing source is a network error', async () => {
    const src = chunkedStream(FILE, [4]);
    const seen: string[] = [];
    const refuse = (h: SafetensorsHeader) => {
      throw new ModelLoadError('weights-mismatch', `no thanks: ${h.tensors.length}`);
    };
    await expect(streamSafetensors(src.stream, { file: F, onHeader: refuse, onTensor: (t) => void seen.push(t.name) })).rejects.toThrow('no thanks: 6');
    expect(seen).toEqual([]);
    expect(src.cancelled()).toBe(true);

    let n = 0;
    const failing = new ReadableStream<Uint8Array>({
      pull(ctl) {
        if (n++ === 0) ctl.enqueue(FILE.slice(0, 40));
        else ctl.error(new TypeError('network connection lost'));
      },
    });
    await expect(streamSafetensors(failing, { file: F, onTensor: () => undefined })).rejects.toMatchObject({
      kind: 'network',
      message: 'Reading model.safetensors failed after 40 bytes: network connection lost',
    });
  });
});
