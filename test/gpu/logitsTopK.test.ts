// The top-k kernel against the float64 CPU reference, on a real WebGPU adapter — both variants
// (src/gpu/adapterProfile.ts: 'software' one invocation per row, 'hardware' a workgroup per row).
// Ids, ranks and status must match exactly (the inputs are exact in f64 and comparisons are exact);
// log-probs and entropies within the logits kernel's tolerance |gpu − cpu| ≤ 1e-4 · max(1, |cpu|), NaN/±inf exactly.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { acquireGpu, type GpuContext } from '../../src/gpu/device.ts';
import { forceKernelProfile, type KernelProfile } from '../../src/gpu/adapterProfile.ts';
import { readBuffer, STORAGE } from '../../src/gpu/buffers.ts';
import { planChunks, type GpuLogits } from '../../src/gpu/logitsRows.ts';
import { fromFloat16Array, toFloat16Array } from '../../src/gpu/logitsStatsCpu.ts';
import { decodeTopK, LogitsTopKKernel, logitsTopKFromHandle } from '../../src/gpu/logitsTopK.ts';
import { topKRecordWords } from '../../src/gpu/kernels/logits.ts';
import { logitsTopKCpu, TOPK_STATUS, type LogitsTopK } from '../../src/gpu/logitsTopKCpu.ts';
import { randomLogits, withinTolerance } from '../../src/gpu/selfTest.ts';

let ctx: GpuContext;
let kernel: LogitsTopKKernel;

beforeAll(async () => {
  // Default limits (128 MiB per storage binding) so that the chunking test can exceed one binding.
  ctx = await acquireGpu({ preferLargeBuffers: false });
  kernel = new LogitsTopKKernel(ctx);
});

afterAll(() => ctx?.device.destroy());

function expectTopKMatch(gpu: LogitsTopK, cpu: LogitsTopK<Float64Array>, rowOffset = 0): void {
  const { k } = cpu;
  for (let r = 0; r < cpu.rows; r++) {
    const g = r + rowOffset;
    const where = `row ${r}`;
    expect(gpu.status[g], `${where} status`).toBe(cpu.status[r]);
    expect(gpu.rank[g], `${where} rank`).toBe(cpu.rank[r]);
    expect([...gpu.ids.subarray(g * k, (g + 1) * k)], `${where} ids`).toEqual([...cpu.ids.subarray(r * k, (r + 1) * k)]);
    const pairs: [string, number, number][] = [
      ['chosenLogProb', gpu.chosenLogProb[g], cpu.chosenLogProb[r]],
      ['logSumExp', gpu.logSumExp[g], cpu.logSumExp[r]],
      ['entropy', gpu.entropy[g], cpu.entropy[r]],
      ...Array.from({ length: k }, (_, i): [string, number, number] => [`logProbs[${i}]`, gpu.logProbs[g * k + i], cpu.logProbs[r * k + i]]),
    ];
    for (const [name, a, b] of pairs) if (!withinTolerance(a, b)) throw new Error(`${where} ${name}: gpu ${a} vs cpu ${b}`);
  }
}

/** Bytes of `payload` at `byteOffset` in a fresh storage buffer, NaN garbage around them. */
function bufferWith(payload: ArrayBufferView, byteOffset: number, tailBytes = 16): GPUBuffer {
  const size = Math.ceil((byteOffset + payload.byteLength + tailBytes) / 4) * 4;
  const buffer = ctx.device.createBuffer({ size, usage: STORAGE, mappedAtCreation: true });
  const bytes = new Uint8Array(buffer.getMappedRange());
  bytes.fill(0xff); // NaN in f16 and f32: reading outside the rows would flag a NaN status
  bytes.set(new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength), byteOffset);
  buffer.unmap();
  return buffer;
}

async function check(values: Float32Array, rows: number, vocab: number, k: number, chosen: Int32Array | null, byteOffset = 0, dtype: GpuLogits['dtype'] = 'float32') {
  const bits = dtype === 'float16' ? toFloat16Array(values) : values;
  const buffer = bufferWith(bits, byteOffset);
  try {
    const gpu = await kernel.run({ buffer, byteOffset, rows, vocab, dtype }, k, { chosen });
    // The reference sees exactly the values the GPU reads (half precision for f16).
    const cpu = logitsTopKCpu(dtype === 'float16' ? fromFloat16Array(bits as Uint16Array) : values, rows, vocab, k, chosen);
    expectTopKMatch(gpu, cpu);
    return { gpu, cpu };
  } finally {
    buffer.destroy();
  }
}

function chosenFor(rows: number, vocab: number, seed: number): Int32Array {
  return Int32Array.from({ length: rows }, (_, r) => (r % 4 === 3 ? -1 : (r * 7919 + seed * 104729) % vocab));
}

/** Integers in [−3, 3]: almost every value is tied with hundreds of others. */
function tiedRow(vocab: number, seed: number): number[] {
  return Array.from(randomLogits(vocab, seed, 3.5), (v) => Math.round(v));
}

const PROFILES: KernelProfile[] = ['software', 'hardware'];

describe.each(PROFILES)('%s variant', (profile) => {
  beforeAll(async () => {
    forceKernelProfile(ctx, profile);
    await kernel.warm();
  });
  afterAll(() => forceKernelProfile(ctx, null));

  describe('float32 rows', () => {
    test.each([[1], [5], [20]])('random rows, k = %i, chosen incl. −1', async (k) => {
      const [T, V] = [37, 1000]; // 37 rows: several workgroups of the software variant, the last one partial
      const { gpu } = await check(randomLogits(T * V, k), T, V, k, chosenFor(T, V, k), 4 * 3);
      expect(gpu.rank[3]).toBe(-1);
      for (let r = 0; r < T; r++) if (gpu.rank[r] >= 0 && gpu.rank[r] < k) expect(gpu.ids[r * k + gpu.rank[r]]).toBe(chosenFor(T, V, k)[r]);
    });

    test('adversarial rows: ties, ±1e4, −inf entries, fewer finite entries than k, all −inf, NaN, +inf', async () => {
      const V = 777;
      const k = 20;
      const rows: number[][] = [
        tiedRow(V, 1), // heavy ties: order decided by ids
        new Array<number>(V).fill(0.25), // constant: ids 0..19, rank = id
        Array.from({ length: V }, (_, j) => (j % 2 ? 1e4 : -1e4)),
        Array.from(randomLogits(V, 3), (v, j) => (j % 3 === 0 ? -Infinity : v)),
        Array.from({ length: V }, (_, j) => (j === 500 || j === 700 ? 3.5 : -Infinity)), // 2 finite < k
        new Array<number>(V).fill(-Infinity),
        Array.from(randomLogits(V, 4), (v, j) => (j === 321 ? NaN : v)),
        Array.from(randomLogits(V, 5), (v, j) => (j === V - 1 ? Infinity : v)),
        Array.from({ length: V }, (_, j) => (j === V - 1 ? 30 : j % 7)), // max is the row's last element
        Array.from({ length: V }, (_, j) => V - j), // sorted descending
      ];
      const T = rows.length;
      const chosen = Int32Array.from([400, 776, 2, 0, 600, 5, 1, 2, 776, 19]); // row 3 chooses a −inf entry
      const { gpu } = await check(Float32Array.from(rows.flat()), T, V, k, chosen);
      expect([...gpu.status]).toEqual([0, 0, 0, 0, 0, TOPK_STATUS.noFinite, TOPK_STATUS.nan, TOPK_STATUS.posInf, 0, 0]);
      expect(gpu.rank[1]).toBe(776);
      expect([...gpu.ids.subarray(4 * k, 4 * k + 4)]).toEqual([500, 700, 0, 1]);
      expect(gpu.logProbs[4 * k + 2]).toBe(-Infinity);
      expect(gpu.chosenLogProb[3]).toBe(-Infinity);
      expect(gpu.ids[8 * k]).toBe(V - 1);
      expect([...gpu.ids.subarray(9 * k, 10 * k)]).toEqual(Array.from({ length: k }, (_, i) => i));
    });

    test('V around k and the workgroup size (threads with empty lists)', async () => {
      for (const V of [1, 3, 19, 20, 21, 255, 256, 257, 1025]) {
        const T = 3;
        const k = Math.min(20, V);
        const x = Float32Array.from({ length: T * V }, (_, i) => Math.round(randomLogits(1, 40 + i, 4)[0]));
        x[T * V - 1] = 9;
        await check(x, T, V, k, Int32Array.from([0, V - 1, V - 1]), 4);
      }
    });

    test('V = 151 936 (Qwen vocabulary), k = 20, a peaked row and a tied row', async () => {
      const [T, V] = [3, 151_936];
      const x = randomLogits(T * V, 5, 10);
      x[V + 77] = 40;
      x.set(tiedRow(V, 6), 2 * V);
      const { gpu } = await check(x, T, V, 20, Int32Array.from([0, 77, V - 1]), 256 + 8);
      expect(gpu.rank[1]).toBe(0);
      expect(gpu.ids[20]).toBe(77);
    });

    test('T × V larger than one storage binding is chunked over rows (chosen and out rows follow)', async () => {
      const [V, k] = [151_936, 4];
      const limits = ctx.device.limits;
      const T = Math.floor(limits.maxStorageBufferBindingSize / (V * 4)) + 2;
      const byteOffset = 12;
      const chunks = planChunks({ byteOffset, rows: T, vocab: V, dtype: 'float32' }, limits, byteOffset + T * V * 4 + 16);
      expect(chunks.length).toBeGreaterThan(1);
      const x = randomLogits(T * V, 7, 10);
      const chosen = chosenFor(T, V, 7);
      const buffer = bufferWith(x, byteOffset);
      try {
        const gpu = await kernel.run({ buffer, byteOffset, rows: T, vocab: V, dtype: 'float32' }, k, { chosen });
        // The reference's full sort costs ~0.5 s a row here: check the rows on each side of every
        // chunk edge (rows are independent, so one row at a time is the same reference).
        const edges = new Set(chunks.flatMap((c) => [c.row0, c.row0 + 1, c.row0 + c.rows - 1]));
        for (const r of edges) {
          expectTopKMatch(gpu, logitsTopKCpu(x.subarray(r * V, (r + 1) * V), 1, V, k, chosen.subarray(r, r + 1)), r);
        }
      } finally {
        buffer.destroy();
      }
    }, 120_000);
  });

  describe('float16 rows (packed pairs, no shader-f16)', () => {
    test.each([[0], [2], [6]])('odd V, byteOffset %i (rows start mid-word), ties from half rounding', async (byteOffset) => {
      const [T, V] = [7, 1001];
      const x = randomLogits(T * V, 8, 12);
      for (let j = 0; j < V; j += 5) x[2 * V + j] = -Infinity;
      x.set(tiedRow(V, 9), 3 * V);
      x[4 * V + 3] = 1e4;
      await check(x, T, V, 20, chosenFor(T, V, 8), byteOffset, 'float16');
    });

    test('tiny V (1, 2, 3, 5) at even and odd element offsets, k = V: lone halves at both row edges', async () => {
      for (const V of [1, 2, 3, 5]) {
        for (const byteOffset of [0, 2]) {
          const T = 5;
          const x = randomLogits(T * V, 20 + V, 6);
          x[V] = -Infinity;
          await check(x, T, V, V, Int32Array.from({ length: T }, (_, r) => (r === 2 ? -1 : (r * 3) % V)), byteOffset, 'float16');
        }
      }
    });

    test('NaN half, f16 overflow (+inf), all −inf; the neighbouring rows stay clean', async () => {
      const V = 333;
      const T = 5;
      const x = randomLogits(T * V, 10, 5);
      x[V + 17] = NaN;
      x[2 * V] = 70_000; // > 65 504: +inf in binary16, at a row's first (odd-offset) element
      x.fill(-Infinity, 3 * V, 4 * V);
      const { gpu } = await check(x, T, V, 20, chosenFor(T, V, 10), 2, 'float16');
      expect([...gpu.status]).toEqual([0, TOPK_STATUS.nan, TOPK_STATUS.posInf, TOPK_STATUS.noFinite, 0]);
    });

    test('V = 151 936, odd element offset, k = 20', async () => {
      const [T, V] = [3, 151_936];
      await check(randomLogits(T * V, 11, 10), T, V, 20, Int32Array.from([1, -1, V - 1]), 2 * 129, 'float16');
    });
  });
});

describe('encode(), handles and validation', () => {
  test('two encodes, one submit, GPU chosen buffer, outOffsetRows', async () => {
    const [V, Ta, Tb, k] = [257, 3, 4, 6];
    const a = randomLogits(Ta * V, 12);
    const b = randomLogits(Tb * V, 13, 3);
    const ca = Int32Array.from([0, -1, 256]);
    const bufA = bufferWith(a, 0);
    const bufB = bufferWith(b, 4 * 5);
    const chosen = ctx.device.createBuffer({ size: ca.byteLength, usage: STORAGE, mappedAtCreation: true });
    new Int32Array(chosen.getMappedRange()).set(ca);
    chosen.unmap();
    const rec = topKRecordWords(k) * 4;
    const out = ctx.device.createBuffer({ size: (1 + Ta + Tb) * rec, usage: STORAGE });
    const enc = ctx.device.createCommandEncoder();
    const la: GpuLogits = { buffer: bufA, byteOffset: 0, rows: Ta, vocab: V, dtype: 'float32' };
    kernel.encode(enc, la, k, chosen, out, 1);
    kernel.encode(enc, { ...la, buffer: bufB, byteOffset: 20, rows: Tb }, k, null, out, 1 + Ta);
    ctx.device.queue.submit([enc.finish()]);
    const gpu = decodeTopK(await readBuffer(ctx.device, out, (1 + Ta + Tb) * rec), 1 + Ta + Tb, k);
    expectTopKMatch(gpu, logitsTopKCpu(a, Ta, V, k, ca), 1);
    expectTopKMatch(gpu, logitsTopKCpu(b, Tb, V, k), 1 + Ta);
    for (const buf of [bufA, bufB, chosen, out]) buf.destroy();
  });

  test('GPU and CPU handles give the same top-k', async () => {
    const [T, V, k] = [4, 2049, 20];
    const x = randomLogits(T * V, 14);
    const chosen = chosenFor(T, V, 14);
    const buffer = bufferWith(x, 64);
    const cpu = logitsTopKCpu(x, T, V, k, chosen);
    expectTopKMatch(await logitsTopKFromHandle(ctx, { kind: 'gpu', buffer, byteOffset: 64, rows: T, vocab: V, dtype: 'float32' }, k, { chosen }), cpu);
    const c = await logitsTopKFromHandle(null, { kind: 'cpu', data: x, rows: T, vocab: V }, k, { chosen });
    expect(c.logProbs).toBeInstanceOf(Float32Array);
    expectTopKMatch(c, cpu);
    buffer.destroy();
  });

  test('bad k, logits and chosen ids name the argument', async () => {
    const buffer = bufferWith(new Float32Array(20), 0);
    const base: GpuLogits = { buffer, byteOffset: 0, rows: 2, vocab: 10, dtype: 'float32' };
    await expect(kernel.run(base, 0)).rejects.toThrow(/k = 0/);
    await expect(kernel.run(base, 11)).rejects.toThrow(/k = 11/);
    await expect(kernel.run({ ...base, byteOffset: 2 }, 1)).rejects.toThrow(/logits.byteOffset = 2/);
    await expect(kernel.run(base, 1, { chosen: Int32Array.from([0, 10]) })).rejects.toThrow(/targets\[1\] = 10/);
    const out = ctx.device.createBuffer({ size: 16, usage: STORAGE });
    expect(() => kernel.encode(ctx.device.createCommandEncoder(), base, 1, null, out)).toThrow(/out.size = 16/);
    out.destroy();
    buffer.destroy();
  });
});
