// Whole-model gradients of the CPU reference against central finite differences, float64,
// on every element of every parameter tensor, for a loss L = Σ dlogp · logp that mixes
// masked targets (-1) and arbitrary per-token weights.
import { describe, expect, it } from 'vitest';
import { PARAM_NAMES, paramLayout } from '../../../src/engine/config.ts';
import { CpuModel } from '../../../src/engine/cpu/cpuModel.ts';
import { Rng } from '../../../src/sampling/rng.ts';
import { TINY, randomArray, randomIds, randomParams, relErr } from './fixtures.ts';

const B = 2;
const T = 5;

function setup(seed: number) {
  const rng = new Rng(seed);
  const model = new CpuModel(TINY, randomParams(TINY, seed + 1));
  const inputs = randomIds(B * T, TINY.vocabSize, rng);
  const targets = randomIds(B * T, TINY.vocabSize, rng);
  targets[1] = -1;
  targets[7] = -1;
  targets[9] = -1;
  const dlogp = randomArray(B * T, rng);
  const loss = () => {
    const { logProbs } = model.forward64(inputs, targets, B, T);
    let l = 0;
    for (let i = 0; i < B * T; i++) l += dlogp[i] * logProbs[i];
    return l;
  };
  return { model, inputs, targets, dlogp, loss };
}

describe('CpuModel gradients vs central finite differences (float64)', () => {
  it('match on every parameter element of every tensor to relative error 1e-5', () => {
    const { model, dlogp, loss } = setup(7);
    model.zeroGrad();
    loss();
    model.backward64(dlogp);
    const analytic = model.grads.slice();
    const layout = paramLayout(TINY);
    const h = 1e-5;
    let worst = 0;
    let nonZero = 0;
    for (const name of PARAM_NAMES) {
      for (let j = 0; j < layout.sizes[name]; j++) {
        const i = layout.offsets[name] + j;
        const saved = model.params[i];
        model.params[i] = saved + h;
        const lp = loss();
        model.params[i] = saved - h;
        const lm = loss();
        model.params[i] = saved;
        const numeric = (lp - lm) / (2 * h);
        const err = relErr(analytic[i], numeric);
        if (err > 1e-5) throw new Error(`${name}[${j}]: analytic ${analytic[i]} vs numeric ${numeric} (rel ${err})`);
        worst = Math.max(worst, err);
        if (Math.abs(analytic[i]) > 1e-3) nonZero++;
      }
    }
    expect(worst).toBeLessThanOrEqual(1e-5);
    expect(nonZero).toBeGreaterThan(layout.total / 2); // the check is not vacuous
  });

  it('masked targets contribute nothing: changing their dlogp leaves gradients unchanged', () => {
    const { model, targets, dlogp, loss } = setup(11);
    model.zeroGrad();
    loss();
    model.backward64(dlogp);
    const g1 = model.grads.slice();
    const d2 = dlogp.slice();
    for (let i = 0; i < d2.length; i++) if (targets[i] < 0) d2[i] = 1e3 * (i + 1);
    model.zeroGrad();
    model.backward64(d2);
    expect(Array.from(model.grads)).toEqual(Array.from(g1));
  });

  it('parameter gradients accumulate across backward calls', () => {
    const { model, dlogp, loss } = setup(13);
    model.zeroGrad();
    loss();
    model.backward64(dlogp);
    const g1 = model.grads.slice();
    model.backward64(dlogp);
    for (let i = 0; i < g1.length; i++) expect(model.grads[i]).toBeCloseTo(2 * g1[i], 12);
  });

  it('mean cross-entropy weights give the gradient of the mean negative log-likelihood', () => {
    // dlogp = -w/Σw (the contract's example): compare with FD of -Σ w logp / Σ w on one element.
    const rng = new Rng(3);
    const model = new CpuModel(TINY, randomParams(TINY, 4));
    const inputs = randomIds(B * T, TINY.vocabSize, rng);
    const targets = randomIds(B * T, TINY.vocabSize, rng);
    const w = Float64Array.from({ length: B * T }, (_, i) => (i % 3) + 1);
    const sumW = w.reduce((a, b) => a + b, 0);
    const nll = () => {
      const { logProbs } = model.forward64(inputs, targets, B, T);
      return -logProbs.reduce((a, lp, i) => a + w[i] * lp, 0) / sumW;
    };
    model.zeroGrad();
    nll();
    model.backward64(w.map((x) => -x / sumW));
    const i = paramLayout(TINY).offsets.wte + 5;
    const h = 1e-5;
    const saved = model.params[i];
    model.params[i] = saved + h;
    const lp = nll();
    model.params[i] = saved - h;
    const lm = nll();
    model.params[i] = saved;
    expect(relErr(model.grads[i], (lp - lm) / (2 * h))).toBeLessThan(1e-6);
  });
});
