// Shared by the GPU sampler's tests: row families and the check of GpuSampler against the CPU
// sampler (sampleToken, rowEntropy, float64) that counts boundary cases.
import { expect } from 'vitest';
import { GpuSampler } from '../../../src/engine/gpu/layers/sample.ts';
import { Rng, type UniformSource } from '../../../src/sampling/rng.ts';
import { logSumExp, rowEntropy, sampleToken, type DrawOptions } from '../../../src/sampling/sampleToken.ts';
import { expectAllclose } from '../../util/allclose.ts';
import { sampleTrace } from '../../util/sampleTrace.ts';
import type { Harness } from './harness.ts';

/** A decision closer than this (relative to the mass it splits) may go either way in f32. */
export const TOL = 2e-6;

export type Family = (V: number, rng: Rng) => number[];

/** Row families; each returns f32-representable logits. */
export const FAMILIES: Record<string, Family> = {
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
    const row: number[] = Array.from({ length: V }, (_, i) => (i % 3 === 0 ? 2 : i % 3 === 1 ? 0 : -0));
    if (V > 4) row[rng.int(0, V - 1)] = -Infinity;
    return row;
  },
};

export const f32Row = (row: number[]) => Float32Array.from(row);

export interface Tally { draws: number; boundary: number; differ: number; worstDiffMargin: number }

/** A UniformSource that records what it hands out. */
function recording(rng: Rng): UniformSource & { seen: number[] } {
  const seen: number[] = [];
  return { seen, uniform: () => { const u = rng.uniform(); seen.push(u); return u; } };
}

/**
 * Rows (each `copies` times, different uniforms) through GpuSampler for each option set; checks
 * every row against the CPU and returns the tally of boundary cases.
 */
export async function check(H: Harness, rows: Float32Array[], V: number, optsList: DrawOptions[], copies: number, seed: number, tally: Tally): Promise<void> {
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

export const newTally = (): Tally => ({ draws: 0, boundary: 0, differ: 0, worstDiffMargin: 0 });
export const report = (what: string, t: Tally) => console.log(
  `${what}: ${t.draws} draws, ${t.boundary} within ${TOL} of a threshold, ${t.differ} ids differ${t.differ ? ` (largest margin among them ${t.worstDiffMargin.toExponential(2)})` : ''}`);

