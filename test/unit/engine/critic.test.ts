// The CPU critic (value head on a trunk copy) against central finite differences, through the
// PPO clipped value loss, on a tiny model; plus init and validation.
import { describe, expect, it } from 'vitest';
import { CpuCritic } from '../../../src/engine/cpu/critic.ts';
import { criticParamCount, initCriticParams } from '../../../src/engine/critic.ts';
import { paramLayout, PARAM_NAMES, type ModelConfig } from '../../../src/engine/config.ts';
import { clippedValueLoss } from '../../../src/rl/estimators/valueLoss.ts';
import { Rng } from '../../../src/engine/rng.ts';
import { randomIds, randomParams } from './fixtures.ts';

const CFG: ModelConfig = { vocabSize: 11, blockSize: 8, nLayer: 1, nHead: 2, nEmbd: 6 };

function setup(seed: number) {
  const rng = new Rng(seed);
  const trunk = randomParams(CFG, seed);
  const params = initCriticParams(CFG, trunk, seed + 1);
  for (let c = 0; c < CFG.nEmbd; c++) params[paramLayout(CFG).total + c] = 0.5 * rng.normal(); // a head that passes gradient to the trunk
  params[params.length - 1] = 0.1;
  const critic = new CpuCritic(CFG, params);
  const B = 2;
  const T = 5;
  const inputs = randomIds(B * T, CFG.vocabSize, rng);
  return { critic, inputs, B, T, rng };
}

describe('CpuCritic', () => {
  it('value-loss gradients match central finite differences on every tensor, trunk and head', () => {
    const { critic, inputs, B, T, rng } = setup(4);
    const old = critic.values64(inputs, B, T);
    const returns = Float64Array.from(old, () => rng.normal());
    const mask = Float64Array.from(old, (_, i) => (i % 5 === 0 ? 0 : 1));
    // move the values so that some tokens are clipped and some are not
    for (let i = 0; i < critic.params.length; i++) critic.params[i] += 0.05 * rng.normal();
    const lossAt = () => clippedValueLoss({ values: critic.values64(inputs, B, T), oldValues: old, returns, mask, cliprange: 0.1 });
    const at = lossAt();
    expect(at.clipFrac).toBeGreaterThan(0);
    expect(at.clipFrac).toBeLessThan(1);
    critic.zeroGrad();
    critic.values64(inputs, B, T);
    critic.backward64(at.dvalues);
    const grads = critic.grads.slice();
    const h = 1e-6;
    const layout = paramLayout(CFG);
    const P = layout.total;
    const ranges: [string, number, number][] = PARAM_NAMES.map((n) => [n, layout.offsets[n], layout.offsets[n] + layout.sizes[n]] as [string, number, number]);
    ranges.push(['head.w', P, P + CFG.nEmbd], ['head.b', P + CFG.nEmbd, P + CFG.nEmbd + 1]);
    for (const [name, s, e] of ranges) {
      let num = 0;
      let den = 0;
      for (let i = s; i < e; i++) {
        const keep = critic.params[i];
        critic.params[i] = keep + h; const up = lossAt().loss;
        critic.params[i] = keep - h; const dn = lossAt().loss;
        critic.params[i] = keep;
        const fd = (up - dn) / (2 * h);
        num += (grads[i] - fd) ** 2;
        den += fd ** 2;
      }
      expect(Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-30), name).toBeLessThan(1e-5);
      if (name !== 'wpe') expect(den, `${name} gradient is not vacuous`).toBeGreaterThan(0);
    }
  });

  it('init copies the trunk exactly and draws the head from the seed; bad sizes are named', () => {
    const trunk = randomParams(CFG, 1);
    const a = initCriticParams(CFG, trunk, 5);
    expect(a.length).toBe(criticParamCount(CFG));
    expect(Array.from(a.subarray(0, trunk.length))).toEqual(Array.from(Float32Array.from(trunk)));
    expect(Array.from(initCriticParams(CFG, trunk, 5))).toEqual(Array.from(a));
    expect(a[a.length - 1]).toBe(0);
    expect(() => initCriticParams(CFG, trunk.subarray(1), 5)).toThrow(/trunk has/);
    expect(() => new CpuCritic(CFG, trunk)).toThrow(/critic params has/);
  });

  it('an AdamW step on the critic lowers the value loss', async () => {
    const { critic, inputs, B, T } = setup(8);
    const returns = new Float64Array(B * T).fill(1);
    const mask = new Float64Array(B * T).fill(1);
    const loss = (old: ArrayLike<number>) => clippedValueLoss({ values: critic.values64(inputs, B, T), oldValues: old, returns, mask, cliprange: 10 });
    const old = critic.values64(inputs, B, T);
    const before = loss(old);
    for (let k = 0; k < 5; k++) {
      critic.zeroGrad();
      const l = loss(old);
      critic.backward64(l.dvalues);
      const r = await critic.step({ learningRate: 1e-2, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0, gradClip: 1 });
      expect(r.skipped).toBe(false);
    }
    expect(loss(old).loss).toBeLessThan(0.5 * before.loss);
  });
});
