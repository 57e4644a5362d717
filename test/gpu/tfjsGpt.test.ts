// The TF.js baseline of the toy transformer (bench/tfjsGpt.ts) on the WebGPU backend, checked
// against ln(V) at init, against the float64 CPU reference engine step by step, and for learning.
import { afterAll, describe, expect, test } from 'vitest';
import { createTfjsTrainer, type TfjsTrainer } from '../../bench/tfjsGpt.ts';
import type { ModelConfig } from '../../src/engine/config.ts';
import { initParams } from '../../src/engine/init.ts';
import { CpuModel } from '../../src/engine/cpu/cpuModel.ts';
import type { AdamWConfig } from '../../src/engine/types.ts';
import { expectAllclose } from '../util/allclose.ts';
import { Rng } from '../../src/sampling/rng.ts';

const config: ModelConfig = { vocabSize: 50, blockSize: 16, nLayer: 1, nHead: 2, nEmbd: 32 };
const B = 2, T = 16;
const opt: AdamWConfig = { learningRate: 3e-3, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, gradClip: 1 };

/** A fixed batch: random tokens, targets = next input token, a few ignored (-1) positions. */
function fixedBatch(): { inputs: Int32Array; targets: Int32Array } {
  const rng = new Rng(12);
  const inputs = new Int32Array(B * T).map(() => rng.int(0, config.vocabSize - 1));
  const targets = new Int32Array(B * T).map((_, i) => (i % T === T - 1 || i % 5 === 0 ? -1 : inputs[i + 1]));
  return { inputs, targets };
}

/** One CPU reference step: mean cross-entropy over targets != -1, backward, AdamW. */
function cpuStep(model: CpuModel, inputs: Int32Array, targets: Int32Array): number {
  const { logProbs } = model.forward64(inputs, targets, B, T);
  const n = targets.filter((x) => x >= 0).length;
  let loss = 0;
  const dlogp = new Float64Array(B * T);
  targets.forEach((x, i) => {
    if (x >= 0) { loss -= logProbs[i] / n; dlogp[i] = -1 / n; }
  });
  model.zeroGrad();
  model.backward64(dlogp);
  return loss;
}

describe('TF.js GPT baseline', () => {
  const trainers: TfjsTrainer[] = [];
  afterAll(() => trainers.forEach((t) => t.dispose()));

  test('runs on webgpu; the first loss with small random init is ≈ ln(V)', async () => {
    const trainer = await createTfjsTrainer(config, B, T, 1, undefined, opt);
    trainers.push(trainer);
    expect(trainer.backend).toBe('webgpu');
    const { inputs, targets } = fixedBatch();
    const loss = await trainer.step(inputs, targets);
    console.log('tfjs first loss', loss, 'ln V', Math.log(config.vocabSize));
    expect(Math.abs(loss - Math.log(config.vocabSize))).toBeLessThan(0.1);
  });

  test('matches the float64 CPU engine: losses and parameters over 3 steps from identical weights', async () => {
    const init = initParams(config, 7);
    const trainer = await createTfjsTrainer(config, B, T, 0, init, opt);
    trainers.push(trainer);
    expectAllclose(await trainer.getParams(), init, { rtol: 0, atol: 0 }); // the flat layout round-trips
    const cpu = new CpuModel(config, init);
    const { inputs, targets } = fixedBatch();
    for (let s = 0; s < 3; s++) {
      const expected = cpuStep(cpu, inputs, targets);
      const result = await cpu.step(opt);
      expect(result.skipped).toBe(false);
      const loss = await trainer.step(inputs, targets);
      expect(Math.abs(loss - expected)).toBeLessThan(1e-4);
    }
    // Adam's normalised update is ~lr per step; 3 steps of float32 vs float64 agree far below that
    expectAllclose(await trainer.getParams(), await cpu.getParams(), { rtol: 1e-3, atol: 2e-4 });
  });

  test('30 steps on a fixed tiny batch lower the loss clearly', async () => {
    const trainer = await createTfjsTrainer(config, B, T, 3, undefined, opt);
    trainers.push(trainer);
    const { inputs, targets } = fixedBatch();
    const losses: number[] = [];
    for (let s = 0; s < 30; s++) losses.push(await trainer.step(inputs, targets));
    console.log('tfjs losses', losses[0].toFixed(3), '→', losses[29].toFixed(3));
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[29]).toBeLessThan(losses[0] - 1);
  });

  test('bad batches are named', async () => {
    const trainer = await createTfjsTrainer(config, B, T, 0, undefined, opt);
    trainers.push(trainer);
    const { inputs, targets } = fixedBatch();
    await expect(trainer.step(inputs.subarray(1), targets)).rejects.toThrow(/inputs has 31 values/);
    const bad = targets.slice();
    bad[5] = 50;
    await expect(trainer.step(inputs, bad)).rejects.toThrow(/targets\[5\] = 50/);
    await expect(createTfjsTrainer(config, B, 17, 0)).rejects.toThrow(/blockSize/);
    await expect(createTfjsTrainer(config, B, T, 0, new Float32Array(3))).rejects.toThrow(/init has 3 values/);
  });
});
