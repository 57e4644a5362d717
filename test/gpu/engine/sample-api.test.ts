// GpuSampler's contract beyond the numbers of sample-kernel.test.ts: bad rows named in the error
// as sampleToken names them, the random stream consumed exactly as the CPU path consumes it, bad
// options refused before any draw, and the workgroup-memory variant real GPUs get (forced here).
import { afterAll, describe, expect, it } from 'vitest';
import { forceKernelProfile } from '../../../src/gpu/adapterProfile.ts';
import { readBuffer } from '../../../src/gpu/buffers.ts';
import {
  GpuSampler, SAMPLE_RECORD_BYTES, decodeSampled, drawUniforms, sampleRows, sampleWorkgroup,
} from '../../../src/engine/gpu/layers/sample.ts';
import { at } from '../../../src/engine/gpu/tensor.ts';
import { Rng } from '../../../src/sampling/rng.ts';
import { sampleToken } from '../../../src/sampling/sampleToken.ts';
import { Harness } from './harness.ts';
import { gpu } from './helpers.ts';
import { FAMILIES, check, f32Row, newTally, report } from './sampleCheck.ts';

let h: Harness;
const harness = async () => (h ??= new Harness(await gpu()));
afterAll(() => h?.dispose());

const S = { temperature: 0.8, topK: 10, topP: 0.95 };

describe('GpuSampler', () => {
  it('names a row holding NaN or +Infinity (the first such column) or only −Infinity; other rows are sampled', async () => {
    const H = await harness();
    const V = 50;
    const rng = new Rng(1);
    const rows = Array.from({ length: 5 }, () => Float32Array.from({ length: V }, () => rng.normal()));
    rows[1][30] = Infinity; rows[1][17] = NaN; // NaN comes first
    rows[2][40] = NaN; rows[2][4] = Infinity;
    rows[3].fill(-Infinity);
    new Uint32Array(rows[4].buffer)[2] = 0xffc00000; // a negative NaN
    const flat = new Float32Array(5 * V);
    rows.forEach((r, i) => flat.set(r, i * V));
    const logits = H.f32(flat, 1);
    const out = H.ctx.device.createBuffer({ size: 5 * SAMPLE_RECORD_BYTES, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
    const draws = H.i32(new Int32Array(drawUniforms(new Rng(2), 5, 1).buffer));
    await H.run((rec) => sampleRows(rec, out, logits, draws, 5, V, { temperature: 1, topK: 0, topP: 1 }));
    const bytes = await readBuffer(H.ctx.device, out, 5 * SAMPLE_RECORD_BYTES);
    out.destroy();
    const record = (r: number) => bytes.slice(r * SAMPLE_RECORD_BYTES, (r + 1) * SAMPLE_RECORD_BYTES);
    const cpuError = (r: number) => { try { sampleToken(rows[r], S, { uniform: () => 0.5 }); return ''; } catch (e) { return (e as Error).message; } };
    expect(cpuError(1)).toBe('logitsRow[17] is NaN');
    expect(() => decodeSampled(record(1), 1)).toThrow('sampler row 0: logits[17] is NaN');
    expect(cpuError(2)).toBe('logitsRow[4] is Infinity');
    expect(() => decodeSampled(record(2), 1)).toThrow('logits[4] is Infinity');
    expect(cpuError(3)).toContain('-Infinity everywhere');
    expect(() => decodeSampled(record(3), 1)).toThrow('logits are -Infinity everywhere: no token can be drawn');
    expect(() => decodeSampled(record(4), 1)).toThrow('logits[2] is NaN');
    // the whole step: the first bad row is named
    expect(() => decodeSampled(bytes, 5)).toThrow(/^sampler row 1: logits\[17\] is NaN$/);
    const ok = decodeSampled(record(0), 1);
    expect(ok.ids[0]).toBe(sampleToken(rows[0], { temperature: 1, topK: 0, topP: 1 }, new Rng(2)));
  });

  it('consumes the stream as sampleToken row by row: one uniform per row, none when greedy', async () => {
    const H = await harness();
    const V = 64;
    const R = 3;
    const rng = new Rng(3);
    const rows = Array.from({ length: R }, () => f32Row(FAMILIES.normal(V, rng)));
    const flat = new Float32Array(R * V);
    rows.forEach((r, i) => flat.set(r, i * V));
    const logits = H.f32(flat, 2);
    const sampler = new GpuSampler(H.ctx.device, 4);
    const cpuRng = new Rng(42);
    const gpuRng = new Rng(42);
    for (const opts of [S, { ...S, temperature: 0 }, { ...S, topK: 1 }, S, { temperature: 1.3, topK: 0, topP: 1 }]) {
      H.rec.begin();
      sampler.record(H.rec, logits, R, V, opts, gpuRng);
      const got = await sampler.read(H.rec);
      expect([...got.ids]).toEqual(rows.map((row) => sampleToken(row, opts, cpuRng)));
      expect(gpuRng.getState()).toEqual(cpuRng.getState());
    }
    sampler.destroy();
  });

  it('exact boundaries: a target on a cumulative sum goes to the next candidate, topP reached exactly keeps', async () => {
    const H = await harness();
    const V = 6;
    const row = Float32Array.from([0, 0, 0, 0, -Infinity, -1]); // four equal weights, then e^-1
    const us = [0, 0.25, 0.5, 0.75, 0.999, 0.5 * (4 / (4 + Math.exp(-1)))];
    const R = us.length;
    const logits = H.f32(new Float32Array(R * V).map((_, i) => row[i % V]), 4);
    const sampler = new GpuSampler(H.ctx.device, R);
    for (const opts of [{ temperature: 1, topK: 0, topP: 1 }, { temperature: 1, topK: 4, topP: 1 }, { temperature: 1, topK: 4, topP: 0.5 }]) {
      let i = 0;
      H.rec.begin();
      sampler.record(H.rec, logits, R, V, opts, { uniform: () => us[i++] });
      const got = await sampler.read(H.rec);
      expect([...got.ids]).toEqual(us.map((u) => sampleToken(row, opts, { uniform: () => u })));
    }
    // u = 0.5 of four equal weights: target 2 = cum(2), so the third candidate (strictly above)
    expect(sampleToken(row, { temperature: 1, topK: 4, topP: 1 }, { uniform: () => 0.5 })).toBe(2);
    sampler.destroy();
  });

  it('refuses bad options and sizes before drawing', async () => {
    const H = await harness();
    const logits = H.f32(new Float32Array(20), 0);
    const sampler = new GpuSampler(H.ctx.device, 2);
    const rng = new Rng(5);
    const before = rng.getState();
    H.rec.begin();
    expect(() => sampler.record(H.rec, logits, 2, 10, { ...S, temperature: -1 }, rng)).toThrow('temperature must be a finite number >= 0, got -1');
    expect(() => sampler.record(H.rec, logits, 2, 10, { ...S, topK: 2.5 }, rng)).toThrow('topK must be an integer >= 0, got 2.5');
    expect(() => sampler.record(H.rec, logits, 2, 10, { ...S, topP: 0 }, rng)).toThrow('topP must be in (0, 1], got 0');
    expect(() => sampler.record(H.rec, logits, 3, 10, S, rng)).toThrow('GpuSampler.record: 3 rows, sized for 2');
    expect(rng.getState()).toEqual(before);
    expect(() => sampleRows(H.rec, sampler.out, logits, sampler.out, 2, 11, S)).toThrow('2 rows of 11 from element 0 run past the logits buffer (80 bytes)');
    expect(() => sampleRows(H.rec, sampler.out, at(logits.buf, 0, 'f16'), sampler.out, 1, 10, S)).toThrow('logits must be f32, got f16');
    await expect(sampler.read(H.rec)).rejects.toThrow('GpuSampler.read: nothing recorded');
    H.rec.submit();
    sampler.destroy();
  });

  it('the hardware variant (256 threads, workgroup-memory reductions) agrees as well', async () => {
    const H = await harness();
    forceKernelProfile(H.ctx, 'hardware');
    try {
      expect(sampleWorkgroup(H.ctx)).toBe(256);
      const tally = newTally();
      const opts = [
        { temperature: 0, topK: 0, topP: 1 }, { temperature: 1, topK: 0, topP: 1 },
        { temperature: 0.5, topK: 50, topP: 1 }, { temperature: 2, topK: 5, topP: 0.5 }, { temperature: 1, topK: 0, topP: 0.9 },
      ];
      for (const V of [33, 1000]) {
        const rng = new Rng(V + 1);
        await check(H, Object.values(FAMILIES).map((fam) => f32Row(fam(V, rng))), V, opts, 4, V, tally);
      }
      const big = new Rng(7);
      await check(H, [f32Row(FAMILIES.normal(151_936, big))], 151_936, [{ temperature: 0.7, topK: 50, topP: 0.9 }, { temperature: 1, topK: 0, topP: 1 }], 2, 8, tally);
      report('hardware variant', tally);
      expect(tally.differ).toBe(0);
    } finally {
      forceKernelProfile(H.ctx, null);
    }
    expect(sampleWorkgroup(H.ctx)).toBe(16);
  });
});
