// The fused logits kernel against the float64 CPU reference, on a real WebGPU adapter.
// Tolerance (the kernel's promise): |gpu − cpu| ≤ 1e-4 · max(1, |cpu|), NaN/±inf matching exactly.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { acquireGpu, type GpuContext } from '../../src/gpu/device.ts';
import { readFloat32, STORAGE } from '../../src/gpu/buffers.ts';
import { LogitsStatsKernel, logitsStatsFromHandle, type LogitsStats } from '../../src/gpu/logitsStats.ts';
import { planChunks, type GpuLogits } from '../../src/gpu/logitsRows.ts';
import { fromFloat16Array, logitsStatsCpu, toFloat16Array, type LogitsStatsF64 } from '../../src/gpu/logitsStatsCpu.ts';
import { randomLogits, runLogitsSelfTest, withinTolerance } from '../../src/gpu/selfTest.ts';

let ctx: GpuContext;
let kernel: LogitsStatsKernel;

beforeAll(async () => {
  // Default limits (128 MiB per storage binding) so that the chunking test can exceed one binding.
  ctx = await acquireGpu({ preferLargeBuffers: false });
  kernel = new LogitsStatsKernel(ctx);
  await kernel.warm();
  console.log(`adapter ${ctx.adapterInfo.vendor}/${ctx.adapterInfo.architecture}, maxStorageBufferBindingSize ${ctx.device.limits.maxStorageBufferBindingSize}`);
});

afterAll(() => ctx?.device.destroy());

const KEYS = ['max', 'logSumExp', 'entropy', 'targetLogProb'] as const;

function expectStatsClose(gpu: LogitsStats, cpu: LogitsStatsF64): void {
  for (const k of KEYS) {
    expect(gpu[k].length).toBe(cpu[k].length);
    for (let r = 0; r < cpu[k].length; r++) {
      if (!withinTolerance(gpu[k][r], cpu[k][r])) throw new Error(`${k}[${r}]: gpu ${gpu[k][r]} vs cpu ${cpu[k][r]}`);
    }
  }
}

/** Bytes of `payload` placed at `byteOffset` in a fresh storage buffer, NaN garbage around them. */
function bufferWith(payload: ArrayBufferView, byteOffset: number, tailBytes = 16): GPUBuffer {
  const size = Math.ceil((byteOffset + payload.byteLength + tailBytes) / 4) * 4;
  const buffer = ctx.device.createBuffer({ size, usage: STORAGE, mappedAtCreation: true });
  const bytes = new Uint8Array(buffer.getMappedRange());
  bytes.fill(0xff); // 0xffff… is NaN in both f16 and f32: a kernel that reads outside its rows shows NaN
  bytes.set(new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength), byteOffset);
  buffer.unmap();
  return buffer;
}

async function runF32(values: Float32Array, rows: number, vocab: number, targets: Int32Array | null, byteOffset = 0): Promise<LogitsStats> {
  const buffer = bufferWith(values, byteOffset);
  try {
    return await kernel.run({ buffer, byteOffset, rows, vocab, dtype: 'float32' }, targets);
  } finally {
    buffer.destroy();
  }
}

function targetsFor(rows: number, vocab: number, seed: number): Int32Array {
  const t = new Int32Array(rows);
  for (let r = 0; r < rows; r++) t[r] = r % 4 === 3 ? -1 : (r * 7919 + seed * 104729) % vocab;
  return t;
}

describe('float32 rows', () => {
  test('random rows, targets incl. −1', async () => {
    const [T, V] = [9, 1000];
    const x = randomLogits(T * V, 1);
    const targets = targetsFor(T, V, 1);
    const gpu = await runF32(x, T, V, targets);
    expectStatsClose(gpu, logitsStatsCpu(x, T, V, targets));
    expect(gpu.targetLogProb[3]).toBeNaN();
    expect(gpu.entropy[0]).toBeGreaterThan(5); // sanity: near-uniform over 1000 ids
  });

  test('adversarial rows: ±1e4, −inf entries, all −inf but one, one-hot-like, all −inf, constant', async () => {
    const V = 777;
    const rows: number[][] = [];
    const wide = randomLogits(V, 2, 1e4);
    rows.push([...wide]); // values across ±1e4
    rows.push(Array.from({ length: V }, (_, j) => (j % 2 ? 1e4 : -1e4))); // exactly ±1e4
    rows.push(Array.from(randomLogits(V, 3), (v, j) => (j % 3 === 0 ? -Infinity : v))); // a third −inf
    rows.push(Array.from({ length: V }, (_, j) => (j === 500 ? 3.5 : -Infinity))); // one finite entry
    rows.push(Array.from({ length: V }, (_, j) => (j === 0 ? 1e4 : 0))); // one-hot-like (max first)
    rows.push(Array.from({ length: V }, (_, j) => (j === V - 1 ? 1e4 : 0))); // one-hot-like (max last)
    rows.push(new Array<number>(V).fill(-Infinity)); // no distribution at all
    rows.push(new Array<number>(V).fill(-1e4)); // constant: entropy = ln V
    rows.push(Array.from({ length: V }, (_, j) => (j < 2 ? -Infinity : j === 2 ? -1e4 : -Infinity))); // −inf before the only value
    const T = rows.length;
    const x = Float32Array.from(rows.flat());
    const targets = Int32Array.from([10, 11, 0, 500, 0, 3, 5, 7, 2]); // row 2 targets a −inf entry
    const gpu = await runF32(x, T, V, targets);
    const cpu = logitsStatsCpu(x, T, V, targets);
    expectStatsClose(gpu, cpu);
    expect(gpu.targetLogProb[2]).toBe(-Infinity);
    expect([gpu.max[6], gpu.logSumExp[6]]).toEqual([-Infinity, -Infinity]);
    expect(gpu.entropy[6]).toBeNaN();
    expect(gpu.entropy[7]).toBeCloseTo(Math.log(V), 4);
    expect(gpu.entropy[3]).toBe(0);
    expect(Math.abs(gpu.targetLogProb[3])).toBeLessThan(1e-6);
  });

  test('V around the 4-wide unrolled loop and workgroup boundaries', async () => {
    for (const V of [1, 3, 255, 256, 257, 1023, 1024, 1025]) {
      const T = 3;
      const x = randomLogits(T * V, 30 + V, 6);
      x[(T - 1) * V + V - 1] = 30; // the max as the very last element of the last row
      const targets = Int32Array.from([0, V - 1, V - 1]);
      expectStatsClose(await runF32(x, T, V, targets, 4), logitsStatsCpu(x, T, V, targets));
    }
  });

  test('byteOffset ≠ 0 (not a multiple of the binding alignment), garbage around the rows', async () => {
    const [T, V] = [5, 333];
    const x = randomLogits(T * V, 4, 20);
    const targets = targetsFor(T, V, 4);
    const gpu = await runF32(x, T, V, targets, 4 * 37);
    expectStatsClose(gpu, logitsStatsCpu(x, T, V, targets));
  });

  test('V = 151 936 (Qwen vocabulary), a few rows', async () => {
    const [T, V] = [3, 151_936];
    const x = randomLogits(T * V, 5, 10);
    x[V + 77] = 40; // a peaked row
    const targets = Int32Array.from([0, 77, V - 1]);
    const gpu = await runF32(x, T, V, targets, 256 + 8);
    expectStatsClose(gpu, logitsStatsCpu(x, T, V, targets));
  });

  test('T × V larger than one storage binding is chunked over rows', async () => {
    const V = 151_936;
    const limits = ctx.device.limits;
    const T = Math.floor(limits.maxStorageBufferBindingSize / (V * 4)) + 2;
    const byteOffset = 12;
    const chunks = planChunks({ byteOffset, rows: T, vocab: V, dtype: 'float32' }, limits, byteOffset + T * V * 4 + 16);
    expect(chunks.length).toBeGreaterThan(1);
    const x = randomLogits(T * V, 6, 10);
    const targets = targetsFor(T, V, 6);
    const gpu = await runF32(x, T, V, targets, byteOffset);
    expectStatsClose(gpu, logitsStatsCpu(x, T, V, targets));
  });
});

describe('float16 rows (packed pairs, no shader-f16)', () => {
  async function runF16(values: Float32Array, rows: number, vocab: number, targets: Int32Array | null, byteOffset: number) {
    const bits = toFloat16Array(values);
    const buffer = bufferWith(bits, byteOffset);
    try {
      const gpu = await kernel.run({ buffer, byteOffset, rows, vocab, dtype: 'float16' }, targets);
      // The reference sees exactly the half-precision values the GPU reads.
      return { gpu, cpu: logitsStatsCpu(fromFloat16Array(bits), rows, vocab, targets) };
    } finally {
      buffer.destroy();
    }
  }

  test.each([[0], [2], [6]])('odd V, byteOffset %i (rows start mid-word)', async (byteOffset) => {
    const [T, V] = [7, 1001];
    const x = randomLogits(T * V, 7, 12);
    for (let j = 0; j < V; j += 5) x[2 * V + j] = -Infinity;
    x[4 * V + 3] = 1e4;
    const targets = targetsFor(T, V, 7);
    const { gpu, cpu } = await runF16(x, T, V, targets, byteOffset);
    expectStatsClose(gpu, cpu);
  });

  test('tiny V (1, 2, 3, 5) at even and odd element offsets: lone halves at both row edges', async () => {
    for (const V of [1, 2, 3, 5]) {
      for (const byteOffset of [0, 2]) {
        const T = 5;
        const x = randomLogits(T * V, 20 + V, 6);
        x[V] = -Infinity; // first entry of row 1
        const targets = Int32Array.from({ length: T }, (_, r) => (r === 2 ? -1 : (r * 3) % V));
        const { gpu, cpu } = await runF16(x, T, V, targets, byteOffset);
        expectStatsClose(gpu, cpu);
      }
    }
  });

  test('V = 151 936, odd byteOffset in elements', async () => {
    const [T, V] = [3, 151_936];
    const x = randomLogits(T * V, 8, 10);
    const { gpu, cpu } = await runF16(x, T, V, Int32Array.from([1, -1, 151_935]), 2 * 129);
    expectStatsClose(gpu, cpu);
  });
});

describe('encode() into a caller\'s command encoder', () => {
  test('two encodes, one submit, GPU targets, outOffsetRows', async () => {
    const [V, Ta, Tb] = [257, 3, 4];
    const a = randomLogits(Ta * V, 9);
    const b = randomLogits(Tb * V, 10, 3);
    const ta = Int32Array.from([0, -1, 256]);
    const bufA = bufferWith(a, 0);
    const bufB = bufferWith(b, 4 * 5);
    const tgt = ctx.device.createBuffer({ size: ta.byteLength, usage: STORAGE, mappedAtCreation: true });
    new Int32Array(tgt.getMappedRange()).set(ta);
    tgt.unmap();
    const out = ctx.device.createBuffer({ size: (1 + Ta + Tb) * 16, usage: STORAGE });
    const enc = ctx.device.createCommandEncoder();
    const la: GpuLogits = { buffer: bufA, byteOffset: 0, rows: Ta, vocab: V, dtype: 'float32' };
    kernel.encode(enc, la, tgt, out, 1);
    kernel.encode(enc, { ...la, buffer: bufB, byteOffset: 20, rows: Tb }, null, out, 1 + Ta);
    ctx.device.queue.submit([enc.finish()]);
    const flat = await readFloat32(ctx.device, out, (1 + Ta + Tb) * 4);
    const ca = logitsStatsCpu(a, Ta, V, ta);
    const cb = logitsStatsCpu(b, Tb, V);
    for (let r = 0; r < Ta + Tb; r++) {
      const c = r < Ta ? ca : cb;
      const i = r < Ta ? r : r - Ta;
      KEYS.forEach((k, j) => {
        if (!withinTolerance(flat[(1 + r) * 4 + j], c[k][i])) throw new Error(`row ${r} ${k}: ${flat[(1 + r) * 4 + j]} vs ${c[k][i]}`);
      });
    }
    for (const buf of [bufA, bufB, tgt, out]) buf.destroy();
  });
});

describe('input validation', () => {
  test('bad logits and targets name the argument (and index)', async () => {
    const buffer = bufferWith(new Float32Array(20), 0);
    const base: GpuLogits = { buffer, byteOffset: 0, rows: 2, vocab: 10, dtype: 'float32' };
    await expect(kernel.run({ ...base, byteOffset: 2 })).rejects.toThrow(/logits.byteOffset = 2/);
    await expect(kernel.run({ ...base, rows: 3 })).rejects.toThrow(/exceeds logits.buffer.size/);
    await expect(kernel.run({ ...base, vocab: 0 })).rejects.toThrow(/logits.vocab/);
    await expect(kernel.run(base, Int32Array.from([0, 10]))).rejects.toThrow(/targets\[1\] = 10/);
    const out = ctx.device.createBuffer({ size: 16, usage: STORAGE });
    expect(() => kernel.encode(ctx.device.createCommandEncoder(), base, null, out)).toThrow(/out.size = 16/);
    out.destroy();
    buffer.destroy();
  });
});

describe('logitsStatsFromHandle and the self-test', () => {
  test('GPU and CPU handles give the same statistics', async () => {
    const [T, V] = [4, 2049];
    const x = randomLogits(T * V, 11);
    const targets = targetsFor(T, V, 11);
    const buffer = bufferWith(x, 64);
    const g = await logitsStatsFromHandle(ctx, { kind: 'gpu', buffer, byteOffset: 64, rows: T, vocab: V, dtype: 'float32' }, targets);
    const c = await logitsStatsFromHandle(null, { kind: 'cpu', data: x, rows: T, vocab: V }, targets);
    expectStatsClose(g, logitsStatsCpu(x, T, V, targets));
    for (const k of KEYS) expect(c[k]).toBeInstanceOf(Float32Array);
    expectStatsClose(c, logitsStatsCpu(x, T, V, targets));
    buffer.destroy();
  });

  test('runLogitsSelfTest passes on this adapter and reports its errors', async () => {
    const r = await runLogitsSelfTest(ctx, { rows: 16, vocab: 5003, seed: 3 });
    expect(r.ok, r.message).toBe(true);
    expect([r.rows, r.vocab]).toEqual([16, 5003]);
    for (const e of Object.values(r.maxAbsError)) expect(e).toBeLessThan(1e-3);
    expect(r.maxAbsError.logSumExp).toBeGreaterThan(0); // f32 vs f64: a real comparison happened
    expect(r.message).toMatch(/^OK on /);
    expect(r.gpuMs).toBeGreaterThan(0);
    expect(r.cpuMs).toBeGreaterThan(0);
  });
});
