// The GPU sampler (shaders/engine_sample.wgsl via GpuSampler) against the CPU sampler
// (sampleToken, rowEntropy, float64) on rows with ties at the top-k and top-p cuts, masked entries,
// peaked and flat rows, V from 1 to 151 936, every temperature / top-k / top-p combination, many
// uniforms drawn by the seeded Rng exactly as the CPU path draws them.
// Ids must be equal, except where the float64 decision lay within TOL of its threshold (the top-p
// sum or the draw's target, in units of the mass involved: the GPU's weights are f32): those
// boundary cases are counted, and the ids that differ must all be among them and stay rare.
// Greedy is exact; entropy and log p(id) match to 1e-5 relative.
import { afterAll, describe, expect, it } from 'vitest';
import { readBuffer } from '../../../src/gpu/buffers.ts';
import { forceKernelProfile } from '../../../src/gpu/adapterProfile.ts';
import {
  GpuSampler, SAMPLE_RECORD_BYTES, decodeSampled, drawUniforms, sampleRows,
} from '../../../src/engine/gpu/layers/sample.ts';
import { Rng, type UniformSource } from '../../../src/sampling/rng.ts';
import { logSumExp, rowEntropy, sampleToken, type DrawOptions } from '../../../src/sampling/sampleToken.ts';
import { expectAllclose } from '../../util/allclose.ts';
import { sampleTrace } from '../../util/sampleTrace.ts';
import { Harness } from './harness.ts';
import { gpu } from './helpers.ts';

/** A decision closer than this (relative to the mass it splits) may go either way in f32. */
const TOL = 2e-6;

let h: Harness;
const harness = async () => (h ??= new Harness(await gpu()));
afterAll(() => h?.dispose());

type Family = (V: number, rng: Rng) => number[];

/** Row families; each returns f32-representable logits. */
const FAMILIES: Record<string, Family> = {
  normal: (V, rng) => Array.from({ length: V }, () => rng.normal() * 3),
  // a coarse grid: ties everywhere, at every cut
  ties: (V, rng) => Array.from({ length: V }, () => Math.round(rng.normal() * 3) / 2),
  masked: (V, rng) => {
    const row = Array.from({ length: V }, () => (rng.uniform() < 0.4 ? -Infinity : rng.normal() * 2));
    if (row.every((x) => x === -Infinity)) row[rng.int(0, V - 1)] = 0;
    return row;
  },
  peaked: (V, rng) => {
    const row = Array.from({ length: V }, () => rng.normal());
    row[rng.int(0, V - 1)] = 25;
    return row;
  },
  flat: (V, rng) => Array.from({ length: V }, () => rng.normal() * 0.01),
  // equal maxima (ids ascending decide), −0 beside +0, a top group tied
  equalTop: (V, rng) => {
    const row = Array.from({ length: V }, (_, i) => (i % 3 === 0 ? 2 : i % 3 === 1 ? 0 : -0));
    if (V > 4) row[rng.int(0, V - 1)] = -Infinity;
    return row;
  },
};

const f32Row = (row: number[]) => Float32Array.from(row);

interface Tally { draws: number; boundary: number; differ: number; worstDiffMargin: number }

/** A UniformSource that records what it hands out. */
function recording(rng: Rng): UniformSource & { seen: number[] } {
  const seen: number[] = [];
  return { seen, uniform: () => { const u = rng.uniform(); seen.push(u); return u; } };
}

/**
 * Rows (each `copies` times, different uniforms) through GpuSampler for each option set; checks
 * every row against the CPU and returns the tally of boundary cases.
 */
async function check(rows: Float32Array[], V: number, optsList: DrawOptions[], copies: number, seed: number, tally: Tally): Promise<void> {
  const H = await harness();
  const R = rows.length * copies;
  const flat = new Float32Array(R * V);
  for (let r = 0; r < R; r++) flat.set(rows[r % rows.length], r * V);
  const logits = H.f32(flat, 3);
  const sampler = new GpuSampler(H.ctx.device, R);
  const rng = new Rng(seed);
  try {
    for (const opts of optsList) {
      const src = recording(rng);
      H.rec.begin();
      sampler.record(H.rec, logits, R, V, opts, src);
      const got = await sampler.read(H.rec);
      expect(src.seen.length).toBe(opts.temperature === 0 ? 0 : R); // the CPU path's stream
      const entropy: number[] = [];
      const logp: number[] = [];
      for (let r = 0; r < R; r++) {
        const row = rows[r % rows.length];
        const u = src.seen[r] ?? 0;
        const cpu = sampleToken(row, opts, { uniform: () => u });
        const trace = sampleTrace(row, opts, u);
        expect(trace.id).toBe(cpu);
        const boundary = trace.topPMargin < TOL || trace.drawMargin < TOL;
        tally.draws++;
        if (boundary) tally.boundary++;
        if (got.ids[r] !== cpu) {
          const where = `V=${V} row ${r % rows.length} ${JSON.stringify(opts)} u=${u}: GPU ${got.ids[r]}, CPU ${cpu}`;
          expect(opts.temperature, `greedy differs: ${where}`).not.toBe(0);
          expect(boundary, `not a boundary case (margins ${trace.topPMargin}, ${trace.drawMargin}): ${where}`).toBe(true);
          tally.differ++;
          tally.worstDiffMargin = Math.max(tally.worstDiffMargin, Math.min(trace.topPMargin, trace.drawMargin));
        }
        entropy.push(rowEntropy(row));
        logp.push(row[got.ids[r]] - logSumExp(row)); // of the id the GPU drew
      }
      expectAllclose(got.entropy, entropy, { rtol: 1e-5, atol: 1e-6 });
      expectAllclose(got.logp, logp, { rtol: 1e-5, atol: 1e-6 });
    }
  } finally {
    sampler.destroy();
  }
}

const ALL_OPTIONS: DrawOptions[] = [];
for (const temperature of [0, 0.3, 1, 2]) {
  for (const topK of [0, 1, 5, 50]) {
    for (const topP of [1, 0.9, 0.5]) ALL_OPTIONS.push({ temperature, topK, topP });
  }
}

const newTally = (): Tally => ({ draws: 0, boundary: 0, differ: 0, worstDiffMargin: 0 });
const report = (what: string, t: Tally) => console.log(
  `${what}: ${t.draws} draws, ${t.boundary} within ${TOL} of a threshold, ${t.differ} ids differ (largest margin among them ${t.worstDiffMargin.toExponential(2)})`);

describe('GPU sampler vs sampleToken', () => {
  it('small and medium rows: every family, every option, 16 uniforms each', async () => {
    const tally = newTally();
    for (const V of [1, 2, 7, 33, 1000]) {
      const rng = new Rng(V);
      const rows = Object.values(FAMILIES).map((fam) => f32Row(fam(V, rng)));
      await check(rows, V, ALL_OPTIONS, 16, 100 + V, tally);
    }
    report('V ≤ 1000', tally);
    expect(tally.draws).toBe(5 * 6 * 16 * ALL_OPTIONS.length);
    expect(tally.differ).toBeLessThanOrEqual(tally.draws / 1000);
  });

  it('ties at the top-k and top-p cuts are resolved by id, exactly', async () => {
    const V = 300;
    const rng = new Rng(3);
    // top-k: 3 tokens at 5, ten at 4 scattered; topK 5 keeps the 3 and the two lowest ids of the 4s
    const kRow = Array.from({ length: V }, () => rng.normal() - 3);
    const fours = [250, 17, 199, 3, 120, 121, 64, 298, 40, 5];
    fours.forEach((i) => { kRow[i] = 4; });
    [100, 7, 260].forEach((i) => { kRow[i] = 5; });
    // top-p: eight tied at the top hold ~all the mass; topP 0.3 cuts after the third (ids ascending)
    const pRow = Array.from({ length: V }, () => rng.normal() - 20);
    const tops = [290, 11, 150, 42, 43, 9, 200, 77];
    tops.forEach((i) => { pRow[i] = 10; });
    const rows = [f32Row(kRow), f32Row(pRow)];
    const opts = [
      { temperature: 1, topK: 5, topP: 1 }, { temperature: 0.5, topK: 5, topP: 0.9 },
      { temperature: 1, topK: 0, topP: 0.3 }, { temperature: 2, topK: 12, topP: 0.3 },
    ];
    const tally = newTally();
    await check(rows, V, opts, 64, 7, tally);
    expect(tally.differ).toBe(0);
    // what the cuts keep, from the CPU (which the GPU equals): only those ids come out
    const seen = (row: Float32Array, o: DrawOptions) => {
      const r = new Rng(1);
      return new Set(Array.from({ length: 400 }, () => sampleToken(row, o, r)));
    };
    expect([...seen(rows[0], opts[0])].sort((a, b) => a - b)).toEqual([3, 5, 7, 100, 260]);
    expect([...seen(rows[1], opts[2])].sort((a, b) => a - b)).toEqual([9, 11, 42]);
  });

  it('V = 151 936: typical, tied, masked, peaked and flat rows', async () => {
    const V = 151_936;
    const rng = new Rng(151);
    const rows = ['normal', 'ties', 'masked', 'peaked', 'flat'].map((f) => f32Row(FAMILIES[f](V, rng)));
    const opts = [
      { temperature: 0, topK: 0, topP: 1 }, { temperature: 1, topK: 0, topP: 1 },
      { temperature: 0.7, topK: 50, topP: 0.9 }, { temperature: 2, topK: 0, topP: 0.5 },
    ];
    const tally = newTally();
    const t0 = performance.now();
    await check(rows, V, opts, 4, 9, tally);
    console.log(`V = 151936: ${((performance.now() - t0) / (rows.length * 4 * opts.length)).toFixed(1)} ms per row (incl. CPU checks)`);
    report('V = 151936', tally);
    expect(tally.differ).toBeLessThanOrEqual(2);
  });
});
