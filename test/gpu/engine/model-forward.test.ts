// GpuModel forward (log-probs, entropy) against the float64 CPU reference, and its input checks.
import { describe, expect, it } from 'vitest';
import { GpuModel } from '../../../src/engine/gpu/model.ts';
import { CpuModel } from '../../../src/engine/cpu/cpuModel.ts';
import { Rng } from '../../../src/sampling/rng.ts';
import { expectAllclose } from '../../util/allclose.ts';
import { gpu, randomIds, randomParams, SMALL } from './helpers.ts';

describe('GpuModel.forward', () => {
  it('matches the CPU reference on a random batch with masked targets', async () => {
    const ctx = await gpu();
    const params = Float32Array.from(randomParams(SMALL, 3));
    const model = await GpuModel.create(ctx, SMALL, params, { maxBatchTokens: 64 });
    const cpu = new CpuModel(SMALL, params);
    const rng = new Rng(5);
    const B = 3, T = 7;
    const inputs = randomIds(B * T, SMALL.vocabSize, rng);
    const targets = randomIds(B * T, SMALL.vocabSize, rng);
    targets[2] = -1;
    const g = await model.forward(inputs, targets, B, T);
    const c = cpu.forward64(inputs, targets, B, T);
    expectAllclose(g.logProbs, c.logProbs, { rtol: 1e-4, atol: 1e-5 });
    expectAllclose(g.entropy, c.entropy, { rtol: 1e-4, atol: 1e-5 });
    expect(g.logProbs[2]).toBe(0);
    model.dispose();
  });

  it('compiles each pipeline once: other batch shapes reuse them', async () => {
    const ctx = await gpu();
    const model = await GpuModel.create(ctx, SMALL, Float32Array.from(randomParams(SMALL, 4)), { maxBatchTokens: 64 });
    const opt = { learningRate: 1e-3, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, gradClip: 1 };
    const pass = async (B: number, T: number) => {
      const ids = new Int32Array(B * T).map((_, i) => i % SMALL.vocabSize);
      await model.forward(ids, ids, B, T);
      await model.backward(new Float32Array(B * T).fill(-0.1));
      await model.step(opt);
    };
    await pass(2, 3);
    const compiled = ctx.pipelines.size;
    await pass(5, 8);
    await pass(1, 1);
    expect(ctx.pipelines.size).toBe(compiled);
    model.dispose();
  });

  it('rejects bad input naming the argument and index', async () => {
    const model = await GpuModel.create(await gpu(), SMALL, undefined, { maxBatchTokens: 16 });
    const ok = new Int32Array(4);
    await expect(model.forward(Int32Array.from([0, 1, 99, 2]), ok, 1, 4)).rejects.toThrow(/inputs\[2\] = 99/);
    await expect(model.forward(ok, Int32Array.from([0, -2, 0, 0]), 1, 4)).rejects.toThrow(/targets\[1\] = -2/);
    await expect(model.forward(new Int32Array(9 * 2), new Int32Array(18), 2, 9)).rejects.toThrow(/T must be/);
    await expect(model.forward(new Int32Array(24), new Int32Array(24), 3, 8)).rejects.toThrow(/maxBatchTokens/);
    await expect(model.backward(new Float32Array(4))).rejects.toThrow(/before forward/);
    model.dispose();
  });
});
