// GpuModel.probeLogProbs (KV-cache branching, all boundaries batched) against the CPU reference's
// naive re-encoding of context[0:b] + continuation for every boundary.
import { describe, expect, it } from 'vitest';
import { GpuModel } from '../../../src/engine/gpu/model.ts';
import { CpuModel } from '../../../src/engine/cpu/cpuModel.ts';
import type { ProbeRequest } from '../../../src/engine/types.ts';
import { gpu, randomParams, SMALL } from './helpers.ts';

const REQUESTS: ProbeRequest[] = [
  { context: [1, 5, 9, 2, 7], boundaries: [0, 1, 3, 5], continuation: [11, 4, 6], scoreFrom: 1 },
  { context: [3, 8, 8, 0, 12, 4], boundaries: [6, 2, 4, 1], continuation: [10, 2], scoreFrom: 0 },
  { context: [6], boundaries: [1], continuation: [11, 12, 3, 1, 0, 5, 7, 2], scoreFrom: 2 }, // fills blockSize
];

function maxAbsDiff(a: number[][][], b: number[][][]): number {
  let m = 0;
  a.forEach((r, i) => r.forEach((bd, j) => {
    expect(bd.length).toBe(b[i][j].length);
    bd.forEach((x, k) => { m = Math.max(m, Math.abs(x - b[i][j][k])); });
  }));
  return m;
}

describe('GpuModel.probeLogProbs', () => {
  for (const maxBatchTokens of [64, 8]) {
    it(`equals naive CPU re-encoding within 1e-4 (maxBatchTokens ${maxBatchTokens})`, async () => {
      const params = Float32Array.from(randomParams(SMALL, 17, 0.5));
      const g = await GpuModel.create(await gpu(), SMALL, params, { maxBatchTokens });
      const c = new CpuModel(SMALL, params);
      const rg = await g.probeLogProbs(REQUESTS);
      const rc = await c.probeLogProbs(REQUESTS);
      expect(rg.map((r) => r.map((b) => b.length))).toEqual([[2, 2, 2, 2], [2, 2, 2, 2], [6]]);
      expect(maxAbsDiff(rg, rc)).toBeLessThanOrEqual(1e-4);
      expect(rg.flat(2).every((x) => x < 0)).toBe(true);
      g.dispose();
    });
  }

  it('rejects a boundary with no context for the first scored token, naming it', async () => {
    const g = await GpuModel.create(await gpu(), SMALL, undefined, { maxBatchTokens: 16 });
    await expect(g.probeLogProbs([{ context: [1, 2], boundaries: [2, 0], continuation: [3], scoreFrom: 0 }]))
      .rejects.toThrow(/requests\[0\]\.boundaries\[1\] = 0/);
    await expect(g.probeLogProbs([{ context: [1, 2], boundaries: [3], continuation: [3], scoreFrom: 0 }]))
      .rejects.toThrow(/requests\[0\]\.boundaries\[0\] = 3/);
    g.dispose();
  });
});
