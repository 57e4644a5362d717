// LlamaLoraModel's rollouts and RePro probes run the adapted policy: sample() (a GRPO group's prompt
// prefilled once into a shared region, the group decoded in one batched pass per token) and
// probeLogProbs() against the float64 CPU reference with the same adapters (naive re-encoding,
// src/engine/cpu/generate.ts). Probes whose contexts are prefixes of the rollouts read the cache
// sample() kept (src/engine/gpu/kvRetain.ts): same numbers, and the contexts are not run again.
import { afterAll, describe, expect, it, vi } from 'vitest';
import { cpuForwardLogits } from '../../../src/engine/cpu/forward.ts';
import { probeNaive, sampleNaive } from '../../../src/engine/cpu/generate.ts';
import { CachedInference, type InferenceRow } from '../../../src/engine/gpu/inference.ts';
import { LlamaLoraModel } from '../../../src/engine/lora/loraModel.ts';
import type { LoraConfig } from '../../../src/engine/lora/loraConfig.ts';
import type { ProbeRequest, SamplingOptions } from '../../../src/engine/types.ts';
import { tinyLlama } from '../../util/tinyLlama.ts';
import { randomAdapters } from '../../util/tinyLlamaLora.ts';
import { expectAllclose } from '../../util/allclose.ts';
import { gpu } from './helpers.ts';
import { gpuBaseOf } from './loraHelpers.ts';

const cleanup: (() => void)[] = [];
afterAll(() => { for (const f of cleanup) f(); });

const P = [5, 9, 13, 2, 40], Q = [7, 1];
const PROMPTS = [P, P, P, Q]; // a group of three samples of P, one of Q
const LORA: LoraConfig = { r: 4, lora_alpha: 8, lora_dropout: 0, target_modules: ['q_proj', 'v_proj', 'o_proj', 'up_proj', 'down_proj'] };

async function setup() {
  const ctx = await gpu();
  const base = gpuBaseOf(ctx, tinyLlama({ name: 'qwen2-bias-tied', dtype: 'BF16', seed: 3 }).folder);
  cleanup.push(() => base.weights.destroy());
  const make = async (retainRollouts: boolean) => {
    const m = await LlamaLoraModel.create(ctx, base, LORA, { maxSeqLen: 16, maxBatchTokens: 32, maxInferenceRows: 24, retainRollouts });
    cleanup.push(() => m.dispose());
    return m;
  };
  const model = await make(true);
  const params = randomAdapters(model.layout, 11, 0.4);
  await model.setParams(params);
  const lora = { layout: model.layout, params: Float64Array.from(params) };
  const logitsOf = (ids: number[]) => cpuForwardLogits(base.config, base.cpu, ids, lora);
  const logProbsOf = (inputs: number[], targets: number[]) => {
    const V = base.config.vocabSize;
    const logits = logitsOf(inputs);
    return Float64Array.from(targets, (t, i) => {
      if (t < 0) return 0;
      const row = logits.subarray(i * V, (i + 1) * V);
      const mx = Math.max(...row);
      return row[t] - mx - Math.log(row.reduce((s, x) => s + Math.exp(x - mx), 0));
    });
  };
  return { base, model, params, make, logitsOf, logProbsOf };
}

/** Rows the engine's cached inference runs while `f` runs. */
async function rowsRun<T>(f: () => Promise<T>): Promise<{ out: T; rows: number }> {
  let rows = 0;
  const orig = CachedInference.prototype.run;
  const spy = vi.spyOn(CachedInference.prototype, 'run').mockImplementation(function (this: CachedInference, r: InferenceRow[], ...rest) {
    rows += r.length;
    return orig.call(this, r, ...rest);
  });
  try {
    return { out: await f(), rows };
  } finally {
    spy.mockRestore();
  }
}

describe('LlamaLoraModel rollouts and probes (adapted policy)', () => {
  it('sample(): a group sharing its prompt, seeded and greedy, equals the CPU reference with the adapters', async () => {
    const { base, model, logitsOf } = await setup();
    for (const opts of [
      { maxNewTokens: 6, temperature: 0, topK: 0, topP: 1, seed: 1, stopIds: [] },
      { maxNewTokens: 7, temperature: 1, topK: 0, topP: 0.95, seed: 5, stopIds: [3] },
    ] satisfies SamplingOptions[]) {
      const { out: got, rows } = await rowsRun(() => model.sample(PROMPTS, opts));
      const want = sampleNaive(base.config, logitsOf, PROMPTS, opts);
      expect(got.tokens).toEqual(want.tokens);
      got.entropy.forEach((e, b) => expectAllclose(e, want.entropy[b], { rtol: 1e-4, atol: 1e-5 }));
      // the group's first P.length − 1 positions run once, not three times
      const fed = want.tokens.reduce((s, t) => s + Math.max(0, t.length - 1), 0);
      expect(rows).toBe((P.length - 1) + 3 * 1 + Q.length + fed);
      expect(model.retainedRollouts).toBe(PROMPTS.length);
    }
    // with seeded sampling the three samples of P are not all the same (the test sees the group)
    const last = await model.sample(PROMPTS, { maxNewTokens: 7, temperature: 1, topK: 0, topP: 1, seed: 9, stopIds: [] });
    expect(new Set(last.tokens.slice(0, 3).map((t) => t.join(','))).size).toBeGreaterThan(1);
  });

  it('probeLogProbs(): RePro probes of the rollouts read the kept cache; same numbers as re-encoding', async () => {
    const { base, model, make, params, logProbsOf } = await setup();
    const opts: SamplingOptions = { maxNewTokens: 8, temperature: 1, topK: 0, topP: 1, seed: 2, stopIds: [] };
    const s = await model.sample(PROMPTS, opts);
    const answer = [17, 4, 30];
    const requests: ProbeRequest[] = PROMPTS.map((p, b) => {
      const context = p.concat(s.tokens[b]);
      return { context, boundaries: [p.length, p.length + 3, context.length - 1], continuation: answer, scoreFrom: b % 2 };
    });
    const want = probeNaive(base.config, logProbsOf, requests);
    const kept = await rowsRun(() => model.probeLogProbs(requests));
    const other = await make(false);
    await other.setParams(params);
    const fresh = await rowsRun(() => other.probeLogProbs(requests));
    expect(other.retainedRollouts).toBe(0);
    for (const got of [kept.out, fresh.out]) {
      expect(got.map((r) => r.map((b) => b.length))).toEqual(want.map((r) => r.map((b) => b.length)));
      got.forEach((r, i) => r.forEach((bd, j) => expectAllclose(bd, want[i][j], { rtol: 1e-4, atol: 2e-4 })));
    }
    // the kept path ran no context rows: the difference is exactly the contexts' rows
    const contextRows = requests.reduce((n, req) => n + Math.max(...req.boundaries.map((b) => (req.scoreFrom === 0 ? b - 1 : b))), 0);
    expect(fresh.rows - kept.rows).toBe(contextRows);
    // a context that is not a rollout's prefix still runs (and still matches)
    const foreign: ProbeRequest[] = [{ context: [3, 3, 8, 1], boundaries: [2, 4], continuation: answer, scoreFrom: 1 }];
    const f = await rowsRun(() => model.probeLogProbs(foreign));
    expect(f.rows).toBe(4 + 2 * answer.length - 2);
    f.out[0].forEach((bd, j) => expectAllclose(bd, probeNaive(base.config, logProbsOf, foreign)[0][j], { rtol: 1e-4, atol: 2e-4 }));
    // the kept cache is dropped when the weights change
    await model.step({ learningRate: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, gradClip: 1 });
    expect(model.retainedRollouts).toBe(0);
  });
});
