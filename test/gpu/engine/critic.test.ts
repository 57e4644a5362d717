// GpuCritic (float32, WebGPU) against the float64 CPU critic: values, every gradient tensor
// (trunk and head) after a value-loss backward, and an AdamW step; plus state round trip.
import { describe, expect, it } from 'vitest';
import { PARAM_NAMES, paramLayout } from '../../../src/engine/config.ts';
import { CpuCritic } from '../../../src/engine/cpu/critic.ts';
import { GpuCritic } from '../../../src/engine/gpu/critic.ts';
import { initCriticParams } from '../../../src/engine/critic.ts';
import { clippedValueLoss } from '../../../src/rl/estimators/valueLoss.ts';
import { Rng } from '../../../src/engine/rng.ts';
import { gpu, randomIds, randomParams, relNormErr, SMALL } from './helpers.ts';

const B = 2;
const T = 6;
const ADAM = { learningRate: 1e-2, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.1, gradClip: 1 };

async function setup(seed: number) {
  const rng = new Rng(seed);
  const params = initCriticParams(SMALL, randomParams(SMALL, seed), seed + 1);
  const P = paramLayout(SMALL).total;
  for (let c = 0; c < SMALL.nEmbd; c++) params[P + c] = 0.5 * rng.normal();
  params[params.length - 1] = -0.2;
  const cpu = new CpuCritic(SMALL, params);
  const g = await GpuCritic.create(await gpu(), SMALL, params, 32);
  return { cpu, g, params, inputs: randomIds(B * T, SMALL.vocabSize, rng), rng, P };
}

describe('GpuCritic', () => {
  it('values and value-loss gradients match the CPU reference on every tensor; one AdamW step matches', async () => {
    const { cpu, g, inputs, rng, P } = await setup(12);
    const vg = await g.values(inputs, B, T);
    const vc = cpu.values64(inputs, B, T);
    expect(relNormErr(vg, vc)).toBeLessThan(1e-5);
    const returns = Float64Array.from(vc, () => rng.normal());
    const old = Float64Array.from(vc, (x) => x + 0.3 * rng.normal());
    const out = clippedValueLoss({ values: vc, oldValues: old, returns, mask: new Float64Array(B * T).fill(1), cliprange: 0.2 });
    expect(out.clipFrac).toBeGreaterThan(0);
    g.zeroGrad();
    await g.backward(out.dvalues);
    cpu.zeroGrad();
    cpu.backward64(out.dvalues);
    const gg = await g.getGrads();
    const layout = paramLayout(SMALL);
    const ranges: [string, number, number][] = PARAM_NAMES.map((n) => [n, layout.offsets[n], layout.offsets[n] + layout.sizes[n]] as [string, number, number]);
    ranges.push(['head.w', P, P + SMALL.nEmbd], ['head.b', P + SMALL.nEmbd, P + SMALL.nEmbd + 1]);
    for (const [name, s, e] of ranges) {
      expect(relNormErr(gg, cpu.grads, s, e), name).toBeLessThan(1e-3);
      expect(relNormErr(new Float64Array(e), cpu.grads, s, e), `${name} gradient is not vacuous`).toBe(1);
    }
    const rg = await g.step(ADAM);
    const rc = await cpu.step(ADAM);
    expect(rg.skipped).toBe(false);
    expect(Math.abs(rg.gradNorm - rc.gradNorm) / rc.gradNorm).toBeLessThan(1e-4);
    // Adam's first step is ≈ lr·sign(g): a near-zero gradient whose float32 sign differs moves by 2·lr,
    // so the whole-vector tolerance is the gradients' own, not float32 rounding of the params
    expect(relNormErr(await g.getParams(), cpu.params)).toBeLessThan(1e-3);
    g.dispose();
  });

  it('params and optimizer state round-trip exactly; bad sizes are rejected', async () => {
    const { g, inputs, params } = await setup(3);
    await g.values(inputs, B, T);
    g.zeroGrad();
    await g.backward(new Float32Array(B * T).fill(0.1));
    await g.step(ADAM);
    const st = await g.getOptimizerState();
    const p = await g.getParams();
    expect(st.t).toBe(1);
    const h = await GpuCritic.create(await gpu(), SMALL, params, 32);
    await h.setParams(p);
    await h.setOptimizerState(st);
    const st2 = await h.getOptimizerState();
    expect(Array.from(await h.getParams())).toEqual(Array.from(p));
    expect(Array.from(st2.m)).toEqual(Array.from(st.m));
    expect(st2.t).toBe(1);
    await expect(h.setParams(new Float32Array(3))).rejects.toThrow(/critic params has 3 elements/);
    await expect(h.backward(new Float32Array(2))).rejects.toThrow(/before values|dvalues has 2/);
    await expect(h.values(inputs, B, 9)).rejects.toThrow(/T in \[1, 8\]/);
    g.dispose();
    h.dispose();
  });
});
