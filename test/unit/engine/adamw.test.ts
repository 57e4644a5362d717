// AdamW against a hand-computed two-step case, clipping, and rejection of non-finite steps.
import { describe, expect, it } from 'vitest';
import { adamwStep, weightDecayMask } from '../../../src/engine/cpu/adamw.ts';
import { CpuModel } from '../../../src/engine/cpu/cpuModel.ts';
import { paramLayout } from '../../../src/engine/config.ts';
import type { AdamWConfig } from '../../../src/engine/types.ts';
import { expectAllclose } from '../../util/allclose.ts';
import { TINY, randomParams } from './fixtures.ts';

const OPT: AdamWConfig = { learningRate: 0.1, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.1, gradClip: 0 };

describe('adamwStep', () => {
  it('matches a hand-computed two-step case (decay on elements 0 and 2 only)', () => {
    const params = Float64Array.from([1, 0.5, -1]);
    const state = { m: new Float64Array(3), v: new Float64Array(3), t: 0 };
    const mask = Uint8Array.from([1, 0, 1]);
    // step 1: m̂ = g, v̂ = g², so the Adam term is sign(g) (0 for g = 0):
    //   1 − 0.1·(1 + 0.1·1) = 0.89;  0.5 − 0.1·(−1) = 0.6;  −1 − 0.1·(0.1·−1) = −0.99
    let r = adamwStep(params, Float64Array.from([0.5, -2, 0]), state, mask, OPT);
    expect(r).toEqual({ gradNorm: Math.sqrt(0.25 + 4), skipped: false });
    expectAllclose(params, [0.89, 0.6, -0.99], { rtol: 0, atol: 1e-8 });
    // step 2, g = [0.5, 1, 0]: element 1 has m = −0.08, v = 0.0496, m̂ = −0.08/0.19, v̂ = 0.0496/0.0199
    r = adamwStep(params, Float64Array.from([0.5, 1, 0]), state, mask, OPT);
    const e1 = 0.6 - 0.1 * ((-0.08 / 0.19) / Math.sqrt(0.0496 / 0.0199));
    expectAllclose(params, [0.89 - 0.1 * (1 + 0.1 * 0.89), e1, -0.99 - 0.1 * 0.1 * -0.99], { rtol: 0, atol: 1e-8 });
    expectAllclose(state.m, [0.095, -0.08, 0], { rtol: 0, atol: 1e-15 });
    expectAllclose(state.v, [0.004975, 0.0496, 0], { rtol: 0, atol: 1e-15 });
    expect(state.t).toBe(2);
  });

  it('clips the global norm before the moments (‖[3,4]‖ = 5 → g = [0.6, 0.8] at clip 1)', () => {
    const params = new Float64Array(2);
    const state = { m: new Float64Array(2), v: new Float64Array(2), t: 0 };
    const r = adamwStep(params, Float64Array.from([3, 4]), state, new Uint8Array(2), { ...OPT, gradClip: 1 });
    expect(r.gradNorm).toBe(5);
    expectAllclose(state.m, [0.06, 0.08], { rtol: 1e-14, atol: 0 });
    expectAllclose(state.v, [0.01 * 0.36, 0.01 * 0.64], { rtol: 1e-14, atol: 0 });
  });

  it('rejects a step that would make a parameter non-finite, leaving everything untouched', () => {
    const params = Float64Array.from([-1.7e308, 0]);
    const state = { m: new Float64Array(2), v: new Float64Array(2), t: 3 };
    const r = adamwStep(params, Float64Array.from([1, 1]), state, new Uint8Array(2), { ...OPT, learningRate: 1e308 });
    expect(r.skipped).toBe(true);
    expect(Array.from(params)).toEqual([-1.7e308, 0]);
    expect(state.t).toBe(3);
    expect(Array.from(state.m)).toEqual([0, 0]);
  });

  it('names the bad setting', () => {
    const s = { m: new Float64Array(1), v: new Float64Array(1), t: 0 };
    expect(() => adamwStep(new Float64Array(1), new Float64Array(1), s, new Uint8Array(1), { ...OPT, beta2: 1 })).toThrow(/beta2/);
  });

  it('decays exactly the matrices', () => {
    const mask = weightDecayMask(TINY);
    const { offsets, sizes } = paramLayout(TINY);
    expect(mask[offsets.qkvw]).toBe(1);
    expect(mask[offsets.wte + sizes.wte - 1]).toBe(1);
    expect(mask[offsets.qkvb]).toBe(0);
    expect(mask[offsets.ln1w]).toBe(0);
    expect(mask[offsets.lnfb + sizes.lnfb - 1]).toBe(0);
  });
});

describe('CpuModel.step with NaN/Inf gradients', () => {
  for (const bad of [NaN, Infinity]) {
    it(`skips on a ${bad} gradient: params and optimizer state unchanged`, async () => {
      const model = new CpuModel(TINY, randomParams(TINY, 5));
      model.grads.fill(0.01);
      expect((await model.step({ ...OPT, gradClip: 1 })).skipped).toBe(false);
      const before = await model.getParams();
      const optBefore = await model.getOptimizerState();
      model.grads[17] = bad;
      const r = await model.step({ ...OPT, gradClip: 1 });
      expect(r.skipped).toBe(true);
      expect(Number.isFinite(r.gradNorm)).toBe(false);
      expect(await model.getParams()).toEqual(before);
      const optAfter = await model.getOptimizerState();
      expect(optAfter.t).toBe(1);
      expect(optAfter.m).toEqual(optBefore.m);
      expect(optAfter.v).toEqual(optBefore.v);
    });
  }
});
