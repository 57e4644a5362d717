// A real short training run on the GPU: a tiny model learns to copy a 4-digit sequence after a
// separator (it must attend 5 positions back), with AdamW, from the seeded GPT-2 init.
import { describe, expect, it } from 'vitest';
import type { ModelConfig } from '../../../src/engine/config.ts';
import { GpuModel } from '../../../src/engine/gpu/model.ts';
import { initParams } from '../../../src/engine/init.ts';
import { Rng } from '../../../src/sampling/rng.ts';
import type { AdamWConfig } from '../../../src/engine/types.ts';
import { gpu } from './helpers.ts';

const SEP = 9;
const CONFIG: ModelConfig = { vocabSize: 10, blockSize: 8, nLayer: 2, nHead: 2, nEmbd: 32 };
const B = 16;
const T = 8;
const STEPS = 200;

/** inputs a b c d SEP a b c, targets: −1 until SEP, then a b c d (the copy is scored). */
function batch(rng: Rng): { inputs: Int32Array; targets: Int32Array; weight: number } {
  const inputs = new Int32Array(B * T);
  const targets = new Int32Array(B * T).fill(-1);
  for (let b = 0; b < B; b++) {
    const digits = [0, 1, 2, 3].map(() => rng.nextUint32() % 9);
    const seq = [...digits, SEP, ...digits];
    for (let t = 0; t < T; t++) {
      inputs[b * T + t] = seq[t];
      if (t >= 4) targets[b * T + t] = seq[t + 1];
    }
  }
  return { inputs, targets, weight: 1 / (B * 4) };
}

describe('GPU training', () => {
  it(`${STEPS} AdamW steps learn to copy: mean loss falls far below its start`, async () => {
    const model = await GpuModel.create(await gpu(), CONFIG, initParams(CONFIG, 1), { maxBatchTokens: B * T });
    const opt: AdamWConfig = { learningRate: 3e-3, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0, gradClip: 1 };
    const rng = new Rng(2);
    const losses: number[] = [];
    for (let s = 0; s < STEPS; s++) {
      const { inputs, targets, weight } = batch(rng);
      model.zeroGrad();
      const { logProbs } = await model.forward(inputs, targets, B, T);
      let loss = 0;
      for (let i = 0; i < B * T; i++) loss -= logProbs[i] * weight;
      losses.push(loss);
      const dlogp = new Float32Array(B * T).map((_, i) => (targets[i] >= 0 ? -weight : 0));
      await model.backward(dlogp);
      const r = await model.step(opt);
      expect(r.skipped).toBe(false);
    }
    const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
    const first = mean(losses.slice(0, 10));
    const last = mean(losses.slice(-20));
    console.log(`copy task: loss ${first.toFixed(3)} → ${last.toFixed(3)} over ${STEPS} steps`);
    expect(first).toBeGreaterThan(1.8); // ≈ ln 9 at init
    expect(last).toBeLessThan(0.25 * first);
    model.dispose();
  });
});
