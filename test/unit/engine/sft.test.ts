// The SFT loop on the float64 CpuModel: schedule and loss-gradient helpers against hand values,
// the logged loss against mean cross-entropy recomputed here from CpuModel.logits, the loss
// falling on the toy task, cancellation and the eval callback.
import { describe, expect, it } from 'vitest';
import { CpuModel } from '../../../src/engine/cpu/cpuModel.ts';
import { initParams } from '../../../src/engine/init.ts';
import type { ModelConfig } from '../../../src/engine/config.ts';
import type { TrainableModel } from '../../../src/engine/types.ts';
import {
  DEFAULT_SFT_CONFIG, learningRateAt, meanCrossEntropy, meanCrossEntropyGrad, runSft, trimBatch, type SftConfig,
} from '../../../src/engine/sft.ts';
import { buildSftBatch, VOCAB_SIZE } from '../../../src/task/index.ts';
import { Rng } from '../../../src/sampling/rng.ts';

const CONFIG: ModelConfig = { vocabSize: VOCAB_SIZE, blockSize: 128, nLayer: 1, nHead: 2, nEmbd: 16 };
const SFT: SftConfig = {
  ...DEFAULT_SFT_CONFIG, steps: 40, batchSize: 4, learningRate: 1e-2, warmupSteps: 4, seed: 7,
  problem: { minDigits: 2, maxDigits: 2 },
};

/** Mean CE over target positions from a [B·T, V] float64 logits array (log-softmax computed here). */
function ceFromLogits(logits: Float64Array, targets: Int32Array, V: number): number {
  let sum = 0;
  let n = 0;
  for (let r = 0; r < targets.length; r++) {
    if (targets[r] < 0) continue;
    const row = logits.subarray(r * V, (r + 1) * V);
    let m = -Infinity;
    for (const x of row) m = Math.max(m, x);
    let z = 0;
    for (const x of row) z += Math.exp(x - m);
    sum += m + Math.log(z) - row[targets[r]];
    n++;
  }
  return sum / n;
}

/** Delegates to a CpuModel and records, at each forward, the CE recomputed from its logits. */
function recording(cpu: CpuModel): { model: TrainableModel; ce: number[]; shapes: [number, number][] } {
  const ce: number[] = [];
  const shapes: [number, number][] = [];
  const model: TrainableModel = {
    config: cpu.config,
    forward: (inputs, targets, B, T) => {
      ce.push(ceFromLogits(cpu.logits(inputs, B, T), targets, cpu.config.vocabSize));
      shapes.push([B, T]);
      return cpu.forward(inputs, targets, B, T);
    },
    backward: (d) => cpu.backward(d),
    zeroGrad: () => cpu.zeroGrad(),
    step: (o) => cpu.step(o),
    sample: (p, o) => cpu.sample(p, o),
    probeLogProbs: (r) => cpu.probeLogProbs(r),
    getParams: () => cpu.getParams(),
    setParams: (p) => cpu.setParams(p),
    getOptimizerState: () => cpu.getOptimizerState(),
    setOptimizerState: (s) => cpu.setOptimizerState(s),
    dispose: () => cpu.dispose(),
  };
  return { model, ce, shapes };
}

describe('learningRateAt', () => {
  const c = { steps: 110, learningRate: 1, warmupSteps: 10, minLrRatio: 0.1 };
  it('warms up linearly, then follows a cosine down to the floor', () => {
    expect(learningRateAt(0, c)).toBeCloseTo(0.1, 12);
    expect(learningRateAt(4, c)).toBeCloseTo(0.5, 12);
    expect(learningRateAt(9, c)).toBeCloseTo(1, 12);
    expect(learningRateAt(10, c)).toBeCloseTo(1, 12);
    expect(learningRateAt(60, c)).toBeCloseTo(0.1 + 0.5 * 0.9, 12); // cos(π/2) = 0
    expect(learningRateAt(35, c)).toBeCloseTo(0.1 + 0.45 * (1 + Math.SQRT1_2), 12); // cos(π/4)
    expect(learningRateAt(110, c)).toBeCloseTo(0.1, 12);
  });
  it('has no warmup when warmupSteps = 0', () => {
    expect(learningRateAt(0, { ...c, warmupSteps: 0 })).toBeCloseTo(1, 12);
  });
});

describe('mean cross-entropy helpers', () => {
  it('dlogp is −1/count on targets and 0 on ignored positions', () => {
    const { dlogp, count } = meanCrossEntropyGrad(Int32Array.from([-1, 3, 5, -1, 0]));
    expect(count).toBe(3);
    expect(Array.from(dlogp)).toEqual([0, -1 / 3, -1 / 3, 0, -1 / 3].map(Math.fround));
  });
  it('the loss is the mean of −logp over targets', () => {
    expect(meanCrossEntropy([-9, -1, -2, -9], Int32Array.from([-1, 4, 4, -1]))).toBeCloseTo(1.5, 12);
  });
  it('rejects a batch with nothing to score, and mismatched lengths', () => {
    expect(() => meanCrossEntropyGrad(Int32Array.from([-1, -1]))).toThrow(/targets has no position/);
    expect(() => meanCrossEntropy([0], Int32Array.from([1, 2]))).toThrow(/logProbs has 1 values, targets 2/);
  });
});

describe('trimBatch', () => {
  it('cuts T to the last scored position of the longest row and keeps every row intact', () => {
    const batch = buildSftBatch(new Rng(3), 3, 127, undefined, { minDigits: 2, maxDigits: 2 });
    const trimmed = trimBatch(batch);
    expect(trimmed.T).toBeLessThan(127);
    for (let b = 0; b < 3; b++) {
      for (let t = 0; t < 127; t++) {
        if (t < trimmed.T) {
          expect(trimmed.inputs[b * trimmed.T + t]).toBe(batch.inputs[b * 127 + t]);
          expect(trimmed.targets[b * trimmed.T + t]).toBe(batch.targets[b * 127 + t]);
        } else expect(batch.targets[b * 127 + t]).toBe(-1);
      }
    }
    const lastScored = Math.max(...[0, 1, 2].map((b) => Array.from(batch.targets.subarray(b * 127, (b + 1) * 127)).findLastIndex((x) => x >= 0)));
    expect(trimmed.T).toBe(lastScored + 1);
  });
});

describe('runSft on CpuModel', () => {
  it('logs the true mean CE, and the loss falls over 40 steps on the task', async () => {
    const cpu = new CpuModel(CONFIG, initParams(CONFIG, 5));
    const { model, ce, shapes } = recording(cpu);
    const evals: number[] = [];
    const result = await runSft(model, { ...SFT, evalEvery: 15 }, { onEval: (n) => { evals.push(n); } });
    expect(result.stepsDone).toBe(40);
    expect(result.cancelled).toBe(false);
    expect(evals).toEqual([15, 30, 40]);
    expect(result.logs.map((l) => l.step)).toEqual([...Array(40).keys()]);
    for (let s = 0; s < 40; s++) {
      expect(result.logs[s].loss).toBeCloseTo(ce[s], 5);
      expect(shapes[s][0]).toBe(4);
      expect(shapes[s][1]).toBeLessThan(127); // trimmed to the batch's longest trace
      expect(result.logs[s].skipped).toBe(false);
      expect(result.logs[s].gradNorm).toBeGreaterThan(0);
      expect(result.logs[s].lr).toBeCloseTo(learningRateAt(s, SFT), 12);
      expect(result.logs[s].tokensPerS).toBeGreaterThan(0);
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const first = mean(ce.slice(0, 5));
    const last = mean(ce.slice(-5));
    expect(first).toBeGreaterThan(Math.log(VOCAB_SIZE) - 0.3); // untrained ≈ log V = 3.91
    expect(last).toBeLessThan(first - 1.0);
  }, 120_000);

  it('stops before the next step when the signal aborts', async () => {
    const cpu = new CpuModel(CONFIG, initParams(CONFIG, 5));
    const ctl = new AbortController();
    const result = await runSft(cpu, { ...SFT, steps: 10 }, {
      signal: ctl.signal,
      onLog: (l) => { if (l.step === 2) ctl.abort(); },
    });
    expect(result).toMatchObject({ stepsDone: 3, cancelled: true });
    expect(result.logs).toHaveLength(3);
    expect((await cpu.getOptimizerState()).t).toBe(3);
  });

  it('rejects a bad config naming the field', async () => {
    const cpu = new CpuModel(CONFIG, initParams(CONFIG, 5));
    await expect(runSft(cpu, { ...SFT, batchSize: 0 })).rejects.toThrow(/SftConfig.batchSize/);
    await expect(runSft(cpu, { ...SFT, learningRate: NaN })).rejects.toThrow(/SftConfig.learningRate/);
  });
});
