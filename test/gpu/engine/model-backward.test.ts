// Whole-model gradients of GpuModel (float32) against the CPU reference's analytic gradients and
// against central finite differences of the CPU reference (float64), per parameter tensor.
import { describe, expect, it } from 'vitest';
import { PARAM_NAMES, paramLayout } from '../../../src/engine/config.ts';
import { GpuModel } from '../../../src/engine/gpu/model.ts';
import { CpuModel } from '../../../src/engine/cpu/cpuModel.ts';
import { Rng } from '../../../src/sampling/rng.ts';
import { gpu, randomArray, randomIds, randomParams, relNormErr, SMALL } from './helpers.ts';

const B = 2;
const T = 6;

async function setup(seed: number) {
  const rng = new Rng(seed);
  const params = Float32Array.from(randomParams(SMALL, seed + 1));
  const gpuModel = await GpuModel.create(await gpu(), SMALL, params, { maxBatchTokens: 32 });
  const cpu = new CpuModel(SMALL, params);
  const inputs = randomIds(B * T, SMALL.vocabSize, rng);
  const targets = randomIds(B * T, SMALL.vocabSize, rng);
  targets[1] = -1;
  targets[8] = -1;
  const dlogp = Float32Array.from(randomArray(B * T, rng));
  return { gpuModel, cpu, inputs, targets, dlogp };
}

describe('GpuModel.backward', () => {
  it('matches the CPU analytic gradients and CPU central differences on every parameter tensor', async () => {
    const { gpuModel, cpu, inputs, targets, dlogp } = await setup(21);
    gpuModel.zeroGrad();
    await gpuModel.forward(inputs, targets, B, T);
    await gpuModel.backward(dlogp);
    const g = await gpuModel.getGrads();

    cpu.zeroGrad();
    cpu.forward64(inputs, targets, B, T);
    cpu.backward64(dlogp);
    const analytic = cpu.grads;

    // L = Σ dlogp · logp; central differences of the float64 reference, every element
    const loss = () => {
      const { logProbs } = cpu.forward64(inputs, targets, B, T);
      let l = 0;
      for (let i = 0; i < B * T; i++) l += dlogp[i] * logProbs[i];
      return l;
    };
    const numeric = new Float64Array(analytic.length);
    const h = 1e-5;
    for (let i = 0; i < numeric.length; i++) {
      const saved = cpu.params[i];
      cpu.params[i] = saved + h;
      const lp = loss();
      cpu.params[i] = saved - h;
      const lm = loss();
      cpu.params[i] = saved;
      numeric[i] = (lp - lm) / (2 * h);
    }

    const layout = paramLayout(SMALL);
    const report: string[] = [];
    for (const name of PARAM_NAMES) {
      const s = layout.offsets[name];
      const e = s + layout.sizes[name];
      const vsAnalytic = relNormErr(g, analytic, s, e);
      const vsNumeric = relNormErr(g, numeric, s, e);
      report.push(`${name}: vs analytic ${vsAnalytic.toExponential(2)}, vs FD ${vsNumeric.toExponential(2)}`);
      expect(vsAnalytic, name).toBeLessThanOrEqual(1e-3);
      expect(vsNumeric, name).toBeLessThanOrEqual(1e-3);
      expect(relNormErr(new Float64Array(e), numeric, s, e), `${name} gradient is not vacuous`).toBe(1);
    }
    console.log(report.join('\n'));
    gpuModel.dispose();
  });

  it('accumulates parameter gradients across backward calls and zeroGrad clears them', async () => {
    const { gpuModel, inputs, targets, dlogp } = await setup(33);
    gpuModel.zeroGrad();
    await gpuModel.forward(inputs, targets, B, T);
    await gpuModel.backward(dlogp);
    const g1 = await gpuModel.getGrads();
    await gpuModel.backward(dlogp);
    const g2 = await gpuModel.getGrads();
    expect(relNormErr(g2, g1.map((x) => 2 * x))).toBeLessThan(1e-6);
    gpuModel.zeroGrad();
    const g0 = await gpuModel.getGrads();
    expect(g0.every((x) => x === 0)).toBe(true);
    await expect(gpuModel.backward(new Float32Array(3))).rejects.toThrow(/dlogp has 3 elements/);
    gpuModel.dispose();
  });
});
