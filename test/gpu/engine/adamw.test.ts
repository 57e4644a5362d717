// GpuModel.step (AdamW + global-norm clipping on the GPU) against the CPU reference's step, and
// the rejection of non-finite gradients.
import { describe, expect, it } from 'vitest';
import { paramLayout } from '../../../src/engine/config.ts';
import { GpuModel } from '../../../src/engine/gpu/model.ts';
import { CpuModel } from '../../../src/engine/cpu/cpuModel.ts';
import { Rng } from '../../../src/sampling/rng.ts';
import type { AdamWConfig } from '../../../src/engine/types.ts';
import { expectAllclose } from '../../util/allclose.ts';
import { gpu, randomArray, randomIds, randomParams, relNormErr, SMALL } from './helpers.ts';

const B = 2;
const T = 5;

function notKeyBias(): boolean[] {
  const layout = paramLayout(SMALL);
  const C = SMALL.nEmbd;
  const keep = new Array<boolean>(layout.total).fill(true);
  for (let l = 0; l < SMALL.nLayer; l++) {
    const s = layout.offsets.qkvb + l * 3 * C + C;
    keep.fill(false, s, s + C);
  }
  return keep;
}

async function pair(seed: number) {
  const params = Float32Array.from(randomParams(SMALL, seed));
  return { g: await GpuModel.create(await gpu(), SMALL, params, { maxBatchTokens: 16 }), c: new CpuModel(SMALL, params) };
}

async function forwardBackward(models: (GpuModel | CpuModel)[], rng: Rng, scale = 1) {
  const inputs = randomIds(B * T, SMALL.vocabSize, rng);
  const targets = randomIds(B * T, SMALL.vocabSize, rng);
  const dlogp = Float32Array.from(randomArray(B * T, rng, scale));
  for (const m of models) {
    m.zeroGrad();
    await m.forward(inputs, targets, B, T);
    await m.backward(dlogp);
  }
}

describe('GpuModel.step', () => {
  for (const [label, opt] of [
    ['clipping active, weight decay on 2-D weights', { learningRate: 1e-2, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, gradClip: 0.5 }],
    ['clipping off', { learningRate: 3e-3, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0, gradClip: 0 }],
  ] as [string, AdamWConfig][]) {
    it(`three steps match the CPU AdamW (${label})`, async () => {
      const { g, c } = await pair(4);
      const rng = new Rng(9);
      for (let s = 0; s < 3; s++) {
        await forwardBackward([g, c], rng, 3);
        const rg = await g.step(opt);
        const rc = await c.step(opt);
        expect(rg.skipped).toBe(false);
        expect(rg.gradNorm).toBeCloseTo(rc.gradNorm, 4);
        if (opt.gradClip > 0) expect(rc.gradNorm).toBeGreaterThan(opt.gradClip); // clipping is exercised
      }
      // The key bias has an exactly-zero gradient (it shifts all of a query's scores equally), so its
      // float32 gradient is rounding noise that Adam normalises to ±lr: compare everything else.
      const keep = notKeyBias();
      const pick = (a: Float32Array) => a.filter((_, i) => keep[i]);
      expectAllclose(pick(await g.getParams()), pick(await c.getParams()), { rtol: 1e-4, atol: 2e-5 });
      const sg = await g.getOptimizerState();
      const sc = await c.getOptimizerState();
      expect(sg.t).toBe(3);
      expect(relNormErr(pick(sg.m), pick(sc.m))).toBeLessThan(1e-4);
      expect(relNormErr(pick(sg.v), pick(sc.v))).toBeLessThan(1e-4);
      g.dispose();
    });
  }

  it('a NaN or Inf gradient is rejected: skipped, params, moments and t untouched', async () => {
    const { g } = await pair(6);
    const rng = new Rng(2);
    const opt: AdamWConfig = { learningRate: 1e-2, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, gradClip: 1 };
    await forwardBackward([g], rng);
    expect((await g.step(opt)).skipped).toBe(false);
    const before = { p: await g.getParams(), s: await g.getOptimizerState() };
    for (const bad of [NaN, Infinity]) {
      g.zeroGrad();
      const inputs = randomIds(B * T, SMALL.vocabSize, rng);
      const targets = randomIds(B * T, SMALL.vocabSize, rng);
      await g.forward(inputs, targets, B, T);
      const dlogp = new Float32Array(B * T).fill(0.1);
      dlogp[3] = bad;
      await g.backward(dlogp);
      const r = await g.step(opt);
      expect(r.skipped).toBe(true);
      expect(Number.isFinite(r.gradNorm)).toBe(false);
      expect(Array.from(await g.getParams())).toEqual(Array.from(before.p));
      const s = await g.getOptimizerState();
      expect(s.t).toBe(before.s.t);
      expect(Array.from(s.m)).toEqual(Array.from(before.s.m));
      expect(Array.from(s.v)).toEqual(Array.from(before.s.v));
    }
    // and a finite step afterwards still works
    await forwardBackward([g], rng);
    expect((await g.step(opt)).skipped).toBe(false);
    expect((await g.getOptimizerState()).t).toBe(before.s.t + 1);
    g.dispose();
  });

  it('rejects a bad config naming the field', async () => {
    const { g } = await pair(1);
    await expect(g.step({ learningRate: 1e-3, beta1: 1.5, beta2: 0.9, eps: 1e-8, weightDecay: 0, gradClip: 1 })).rejects.toThrow(/beta1/);
    g.dispose();
  });
});
