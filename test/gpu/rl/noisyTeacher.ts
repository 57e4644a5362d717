// A warm start for the short GRPO run: supervised steps on concise traces of an imperfect
// demonstrator whose CoT is always right but whose final answer is off by one with probability
// `noise`. Imitating it gives a policy that computes the sum and then copies it only about
// (1 − noise) of the time: mid-range accuracy from one shared, verifier-fixable habit — the
// situation RLVR is for. Pure (any TrainableModel; the test runs it on the CPU reference).
import type { TrainableModel } from '../../../src/engine/types.ts';
import { renderTrace } from '../../../src/task/trace.ts';
import { makeProblem, type ProblemOptions } from '../../../src/task/problem.ts';
import { ANSWER_MARKER } from '../../../src/task/format.ts';
import { toyTokenizer } from '../../../src/task/tokenizer.ts';
import { PAD_ID } from '../../../src/task/vocab.ts';
import { meanCrossEntropy, meanCrossEntropyGrad } from '../../../src/engine/sft.ts';
import { Rng } from '../../../src/sampling/rng.ts';

/** A concise trace whose answer is sum + 1 with probability `noise`. */
export function noisyTrace(rng: Rng, problem: Partial<ProblemOptions>, noise: number): { tokens: number[]; promptLength: number } {
  const p = makeProblem(rng, { ...problem, split: 'train' });
  const trace = renderTrace(p, 'concise', rng);
  const answer = rng.uniform() < noise ? String(p.a + p.b + 1) : p.answer;
  const text = trace.prompt + trace.cot + ANSWER_MARKER + answer + '<eos>';
  return { tokens: toyTokenizer.encode(text), promptLength: toyTokenizer.encode(trace.prompt).length };
}

/** B rows, T = the longest row − 1; targets −1 on prompt and padding. */
export function noisyBatch(rng: Rng, B: number, problem: Partial<ProblemOptions>, noise: number) {
  const rows = Array.from({ length: B }, () => noisyTrace(rng, problem, noise));
  const T = Math.max(...rows.map((r) => r.tokens.length)) - 1;
  const inputs = new Int32Array(B * T).fill(PAD_ID);
  const targets = new Int32Array(B * T).fill(-1);
  rows.forEach(({ tokens, promptLength }, b) => {
    for (let t = 0; t < tokens.length - 1; t++) {
      inputs[b * T + t] = tokens[t];
      if (t + 1 >= promptLength) targets[b * T + t] = tokens[t + 1];
    }
  });
  return { inputs, targets, B, T };
}

/** `steps` AdamW steps (constant learning rate) of mean cross-entropy; returns the last losses. */
export async function imitate(
  model: TrainableModel, rng: Rng, opts: { steps: number; batch: number; lr: number; noise: number; problem: Partial<ProblemOptions> },
): Promise<number[]> {
  const losses: number[] = [];
  for (let s = 0; s < opts.steps; s++) {
    const b = noisyBatch(rng, opts.batch, opts.problem, opts.noise);
    const { logProbs } = await model.forward(b.inputs, b.targets, b.B, b.T);
    losses.push(meanCrossEntropy(logProbs, b.targets));
    model.zeroGrad();
    await model.backward(meanCrossEntropyGrad(b.targets).dlogp);
    await model.step({ learningRate: opts.lr, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0, gradClip: 1 });
  }
  return losses;
}
