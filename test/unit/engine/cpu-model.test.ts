// CpuModel as a TrainableModel: forward outputs, causality, sampling and probing semantics,
// state round trips and input validation.
import { describe, expect, it } from 'vitest';
import { CpuModel } from '../../../src/engine/cpu/cpuModel.ts';
import { Rng } from '../../../src/sampling/rng.ts';
import { rowEntropy } from '../../../src/sampling/sampleToken.ts';
import { expectAllclose } from '../../util/allclose.ts';
import { TINY, randomIds, randomParams } from './fixtures.ts';

const V = TINY.vocabSize;
const model = new CpuModel(TINY, randomParams(TINY, 21, 0.5));

/** log-softmax of row t of a [T, V] logits array, computed here independently. */
function logSoftmaxRow(logits: Float64Array, t: number): number[] {
  const row = Array.from(logits.subarray(t * V, (t + 1) * V));
  const m = Math.max(...row);
  const lz = m + Math.log(row.reduce((a, x) => a + Math.exp(x - m), 0));
  return row.map((x) => x - lz);
}

describe('CpuModel.forward', () => {
  it('returns log p(target) from the logits, 0 for masked targets, entropy ≤ log V', async () => {
    const rng = new Rng(1);
    const inputs = randomIds(2 * 6, V, rng);
    const targets = randomIds(2 * 6, V, rng);
    targets[4] = -1;
    const out = await model.forward(inputs, targets, 2, 6);
    const logits = model.logits(inputs, 2, 6);
    for (let r = 0; r < 12; r++) {
      const ls = logSoftmaxRow(logits, r);
      expect(out.logProbs[r]).toBeCloseTo(targets[r] < 0 ? 0 : ls[targets[r]], 5);
      expect(out.entropy[r]).toBeGreaterThan(0);
      expect(out.entropy[r]).toBeLessThanOrEqual(Math.log(V) + 1e-6);
    }
    expect(out.logProbs[4]).toBe(0);
  });

  it('is causal and keeps batch rows independent', () => {
    const a = Int32Array.from([1, 2, 3, 4, 5, 6]);
    const b = Int32Array.from([1, 2, 3, 9, 9, 9]);
    const la = model.logits(a, 1, 6);
    const lb = model.logits(b, 1, 6);
    expectAllclose(la.subarray(0, 3 * V), lb.subarray(0, 3 * V), { rtol: 0, atol: 0 });
    expect(la[3 * V]).not.toBe(lb[3 * V]);
    const both = model.logits(Int32Array.from([...a, ...b]), 2, 6);
    expectAllclose(both.subarray(6 * V), lb, { rtol: 1e-14, atol: 1e-14 });
  });

  it('names the bad input', async () => {
    const t = new Int32Array(3).fill(-1);
    await expect(model.forward(Int32Array.from([1, 11, 2]), t, 1, 3)).rejects.toThrow(/inputs\[1\] = 11/);
    await expect(model.forward(Int32Array.from([1, 1, 2]), Int32Array.from([0, -2, 0]), 1, 3)).rejects.toThrow(/targets\[1\]/);
    await expect(model.forward(new Int32Array(9), new Int32Array(9), 1, 9)).rejects.toThrow(/blockSize/);
    await expect(model.forward(new Int32Array(4), new Int32Array(4), 1, 3)).rejects.toThrow(/inputs has 4/);
    expect(() => new CpuModel(TINY, new Float32Array(5))).toThrow(/params has 5/);
  });
});

describe('CpuModel.sample', () => {
  it('greedy follows the argmax of independently recomputed logits', async () => {
    const prompt = [3, 1];
    const { tokens, entropy } = await model.sample([prompt], { maxNewTokens: 4, temperature: 0, topK: 0, topP: 1, seed: 0, stopIds: [] });
    const seq = prompt.slice();
    for (let s = 0; s < 4; s++) {
      const logits = model.logits(Int32Array.from(seq), 1, seq.length);
      const row = Array.from(logits.subarray((seq.length - 1) * V, seq.length * V));
      const next = row.indexOf(Math.max(...row));
      expect(tokens[0][s]).toBe(next);
      expect(entropy[0][s]).toBeCloseTo(rowEntropy(row), 12);
      seq.push(next);
    }
  });

  it('is reproducible per seed, stops on a stop id (kept) and at blockSize + 1 tokens', async () => {
    const opts = { maxNewTokens: 6, temperature: 1, topK: 0, topP: 1, seed: 5, stopIds: [] as number[] };
    const prompts = [[1], [2, 3], [4, 4, 4, 4, 4, 4, 4, 4]];
    const a = await model.sample(prompts, opts);
    expect(await model.sample(prompts, opts)).toEqual(a);
    expect(a.tokens[0]).toHaveLength(6);
    expect(a.tokens[2]).toHaveLength(1); // prompt fills blockSize = 8: one more token, then stop
    const stop = a.tokens[0][2];
    const firstStop = a.tokens[0].indexOf(stop);
    const b = await model.sample([[1]], { ...opts, stopIds: [stop] });
    expect(b.tokens[0]).toEqual(a.tokens[0].slice(0, firstStop + 1));
  });

  it('draws one uniform per active row per step, rows interleaved in order', async () => {
    // Row 0 alone with the same seed sees draws 0, 2, 4, … of the joint run, so only its first token must agree.
    const opts = { maxNewTokens: 1, temperature: 1, topK: 0, topP: 1, seed: 77, stopIds: [] as number[] };
    const joint = await model.sample([[5], [6]], opts);
    const alone = await model.sample([[5]], opts);
    expect(alone.tokens[0][0]).toBe(joint.tokens[0][0]);
  });

  it('names the bad prompt', async () => {
    const opts = { maxNewTokens: 2, temperature: 1, topK: 0, topP: 1, seed: 1, stopIds: [] };
    await expect(model.sample([[1], [2, 99]], opts)).rejects.toThrow(/prompts\[1\]\[1\] = 99/);
    await expect(model.sample([[]], opts)).rejects.toThrow(/prompts\[0\] is empty/);
  });
});

describe('CpuModel.probeLogProbs', () => {
  it('scores continuation[scoreFrom:] after context[0:b] for every boundary', async () => {
    const context = [1, 2, 3, 4];
    const continuation = [7, 8, 9];
    const res = await model.probeLogProbs([{ context, boundaries: [0, 2, 4], continuation, scoreFrom: 1 }]);
    expect(res[0]).toHaveLength(3);
    [0, 2, 4].forEach((b, i) => {
      const seq = [...context.slice(0, b), ...continuation];
      const logits = model.logits(Int32Array.from(seq), 1, seq.length);
      const expected = [1, 2].map((j) => logSoftmaxRow(logits, b + j - 1)[continuation[j]]);
      expectAllclose(res[0][i], expected, { rtol: 1e-12, atol: 1e-12 });
    });
  });
  it('names the bad request', async () => {
    await expect(model.probeLogProbs([{ context: [1], boundaries: [0], continuation: [2], scoreFrom: 0 }])).rejects.toThrow(/boundaries\[0\] = 0 with scoreFrom 0/);
    await expect(model.probeLogProbs([{ context: [1], boundaries: [2], continuation: [2], scoreFrom: 0 }])).rejects.toThrow(/requests\[0\]\.boundaries\[0\] = 2/);
  });
});

describe('CpuModel state', () => {
  it('round-trips params (float32) and optimizer state; logits() leaves backward intact', async () => {
    const m = new CpuModel(TINY, randomParams(TINY, 2));
    const p = await m.getParams();
    const m2 = new CpuModel(TINY, p);
    expect(await m2.getParams()).toEqual(p);
    const inputs = Int32Array.from([1, 2, 3]);
    const targets = Int32Array.from([2, 3, 4]);
    m.forward64(inputs, targets, 1, 3);
    m.logits(Int32Array.from([5, 5]), 1, 2);
    m.backward64([1, 1, 1]);
    const g = m.grads.slice();
    m.zeroGrad();
    m.forward64(inputs, targets, 1, 3);
    m.backward64([1, 1, 1]);
    expect(m.grads).toEqual(g);
    await m.step({ learningRate: 1e-2, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0, gradClip: 1 });
    const s = await m.getOptimizerState();
    await m2.setOptimizerState(s);
    expect(await m2.getOptimizerState()).toEqual(s);
    expect(s.t).toBe(1);
  });
});
