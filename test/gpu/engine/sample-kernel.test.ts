// The GPU sampler (shaders/engine_sample.wgsl via GpuSampler) against the CPU sampler
// (sampleToken, rowEntropy, float64) on rows with ties at the top-k and top-p cuts, masked entries,
// peaked and flat rows, V from 1 to 151 936, every temperature / top-k / top-p combination, many
// uniforms drawn by the seeded Rng exactly as the CPU path draws them.
// Ids must be equal, except where the float64 decision lay within TOL of its threshold (the top-p
// sum or the draw's target, in units of the mass involved: the GPU's weights are f32): those
// boundary cases are counted, and the ids that differ must all be among them and stay rare.
// Greedy is exact; entropy and log p(id) match to 1e-5 relative.
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../src/sampling/rng.ts';
import { sampleToken, type DrawOptions } from '../../../src/sampling/sampleToken.ts';
import { Harness } from './harness.ts';
import { gpu } from './helpers.ts';
import { FAMILIES, check, f32Row, newTally, report } from './sampleCheck.ts';

let h: Harness;
const harness = async () => (h ??= new Harness(await gpu()));
afterAll(() => h?.dispose());

const ALL_OPTIONS: DrawOptions[] = [];
for (const temperature of [0, 0.3, 1, 2]) {
  for (const topK of [0, 1, 5, 50]) {
    for (const topP of [1, 0.9, 0.5]) ALL_OPTIONS.push({ temperature, topK, topP });
  }
}

describe('GPU sampler vs sampleToken', () => {
  it('small and medium rows: every family, every option, 16 uniforms each', async () => {
    const tally = newTally();
    for (const V of [1, 2, 7, 33, 1000]) {
      const rng = new Rng(V);
      const rows = Object.values(FAMILIES).map((fam) => f32Row(fam(V, rng)));
      await check(await harness(), rows, V, ALL_OPTIONS, 16, 100 + V, tally);
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
    await check(await harness(), rows, V, opts, 64, 7, tally);
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
    await check(await harness(), rows, V, opts, 4, 9, tally);
    console.log(`V = 151936: ${((performance.now() - t0) / (rows.length * 4 * opts.length)).toFixed(1)} ms per row (incl. CPU checks)`);
    report('V = 151936', tally);
    expect(tally.differ).toBeLessThanOrEqual(2);
  });
});
