// A real SFT run on the WebGPU engine lowers the loss on the toy task (and its first logged loss is
// the float64 CpuModel's mean CE on the same batch and weights); and the bundled checkpoint
// (public/models/toy-reasoner) loads, decodes and solves the first held-out problems of its
// recorded eval set: the engine's evaluation is held to a greedy decode of the same weights by the
// float64 CPU reference, verified here by the task's verifier, and that to eval.json's guard.
import { describe, expect, it } from 'vitest';
import { GpuModel } from '../../../src/engine/gpu/model.ts';
import { CpuModel } from '../../../src/engine/cpu/cpuModel.ts';
import { decodeCheckpoint } from '../../../src/engine/checkpoint.ts';
import { initParams } from '../../../src/engine/init.ts';
import type { ModelConfig } from '../../../src/engine/config.ts';
import type { TrainableModel } from '../../../src/engine/types.ts';
import { DEFAULT_SFT_CONFIG, meanCrossEntropy, runSft, type SftConfig } from '../../../src/engine/sft.ts';
import { evaluatePolicy } from '../../../src/rl/evaluate.ts';
import { EOS_ID, formatPrompt, heldOutProblems, toyTokenizer, verifyAnswer, VOCAB_SIZE } from '../../../src/task/index.ts';
import { gpu } from './helpers.ts';

const TINY: ModelConfig = { vocabSize: VOCAB_SIZE, blockSize: 128, nLayer: 1, nHead: 2, nEmbd: 16 };
const SFT: SftConfig = {
  ...DEFAULT_SFT_CONFIG, steps: 200, batchSize: 4, learningRate: 1e-2, warmupSteps: 10, seed: 11,
  problem: { minDigits: 2, maxDigits: 2 },
};

/** Delegates to `m`, calling `hook` with each forward's batch first. */
function withForwardHook(m: TrainableModel, hook: (inputs: Int32Array, targets: Int32Array, B: number, T: number) => void): TrainableModel {
  return {
    config: m.config,
    forward: (inputs, targets, B, T) => { hook(inputs, targets, B, T); return m.forward(inputs, targets, B, T); },
    backward: (d) => m.backward(d),
    zeroGrad: () => m.zeroGrad(),
    step: (o) => m.step(o),
    sample: (p, o) => m.sample(p, o),
    probeLogProbs: (r) => m.probeLogProbs(r),
    getParams: () => m.getParams(),
    setParams: (p) => m.setParams(p),
    getOptimizerState: () => m.getOptimizerState(),
    setOptimizerState: (s) => m.setOptimizerState(s),
    dispose: () => m.dispose(),
  };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('runSft on GpuModel', () => {
  it('lowers the loss clearly in 200 steps; step 0 logs the CPU reference loss of its batch', async () => {
    const ctx = await gpu();
    const params = initParams(TINY, 3);
    const gpuModel = await GpuModel.create(ctx, TINY, params, { maxBatchTokens: 4 * 128 });
    const cpu = new CpuModel(TINY, params);
    let cpuLoss0: number | null = null;
    // Step 0's batch also goes through the float64 reference (same initial weights).
    const spy = withForwardHook(gpuModel, (inputs, targets, B, T) => {
      cpuLoss0 ??= meanCrossEntropy(cpu.forward64(inputs, targets, B, T).logProbs, targets);
    });
    const { logs } = await runSft(spy, SFT);
    gpuModel.dispose();
    expect(logs).toHaveLength(200);
    expect(logs[0].loss).toBeCloseTo(cpuLoss0!, 3);
    expect(logs.every((l) => Number.isFinite(l.loss) && !l.skipped)).toBe(true);
    const first = mean(logs.slice(0, 10).map((l) => l.loss));
    const last = mean(logs.slice(-20).map((l) => l.loss));
    expect(first).toBeGreaterThan(Math.log(VOCAB_SIZE) - 0.3); // ≈ log V untrained
    expect(last).toBeLessThan(first - 2); // measured here: ≈ 3.9 → well under 1.9
  });
});

describe('the bundled toy reasoner', () => {
  it('loads from /models/toy-reasoner, decodes, and solves the guard problems as eval.json recorded', async () => {
    const [ckBytes, evalJson] = await Promise.all([
      fetch('/models/toy-reasoner/model.safetensors').then((r) => {
        if (!r.ok) throw new Error(`model.safetensors: HTTP ${r.status}`);
        return r.arrayBuffer();
      }),
      fetch('/models/toy-reasoner/eval.json').then((r) => r.json()),
    ]);
    const ck = decodeCheckpoint(new Uint8Array(ckBytes));
    expect(ck.config).toEqual(evalJson.spec.model);
    expect(ck.tokenizer).toBeDefined();
    expect(JSON.parse(ck.tokenizer!).model.vocab['A']).toBe(23);

    const ctx = await gpu();
    const model = await GpuModel.create(ctx, ck.config, ck.params);
    const { guard } = evalJson as { guard: { problems: number; accuracy: number } };
    const problems = heldOutProblems(evalJson.spec.evalSeed, guard.problems, evalJson.spec.sft.problem);
    const { summary, responses } = await evaluatePolicy(model, problems, { probeJ: false });
    model.dispose();
    expect(summary.n).toBe(guard.problems);

    // The independent expectation: greedy decoding by the float64 CPU reference (no KV cache, its
    // own sampler path), each completion checked by the verifier here.
    const cpu = new CpuModel(ck.config, ck.params);
    const prompts = problems.map((p) => toyTokenizer.encode(formatPrompt(p.question)));
    const ref = await cpu.sample(prompts, { maxNewTokens: ck.config.blockSize, temperature: 0, topK: 0, topP: 1, seed: 1, stopIds: [EOS_ID] });
    const refText = ref.tokens.map((t) => t.map((id) => toyTokenizer.decode([id])).join(''));
    const refAccuracy = mean(refText.map((text, i) => (verifyAnswer(problems[i], text).correct ? 1 : 0)));
    // Same weights, same greedy decode: equal completions up to rare float ties.
    const same = responses.filter((r, i) => r.completion === refText[i]).length;
    expect(same).toBeGreaterThanOrEqual(guard.problems - 2);
    expect(Math.abs(summary.accuracy - refAccuracy)).toBeLessThanOrEqual(2 / guard.problems);
    // … and the checkpoint still solves them as well as its training run recorded.
    expect(refAccuracy).toBeGreaterThanOrEqual(guard.accuracy - 0.06);
    expect(summary.meanCotTokens).toBeGreaterThan(10); // it writes column steps, not an empty CoT
  });
});
