// Naive sampling and answer probing for the CPU reference: every step re-runs the whole prefix
// (no KV cache), which is exact and fine for tiny models. The WebGPU engine (with a KV cache) must
// reproduce these results; the order of random draws is part of the contract:
//   for step s = 0 … maxNewTokens−1, for each prompt b in order that is still active: one draw.
// A row stops after emitting a stop id (kept), after maxNewTokens, or when its sequence already
// holds blockSize + 1 tokens (the last fed position is blockSize − 1).
import type { ModelConfig } from '../config.ts';
import type { ProbeRequest, SamplingOptions, SampleOutput } from '../types.ts';
import { Rng } from '../../sampling/rng.ts';
import { rowEntropy, sampleToken } from '../../sampling/sampleToken.ts';
import { validateProbe, validateSample } from '../validate.ts';

/** Runs the model on one sequence and returns its logits [n, V]. */
export type SequenceLogits = (tokens: number[]) => Float64Array;
/** Runs the model on one sequence (inputs, targets with -1 = unscored) and returns logp [n]. */
export type SequenceLogProbs = (inputs: number[], targets: number[]) => Float64Array;

export function sampleNaive(
  config: ModelConfig, logitsOf: SequenceLogits, prompts: number[][], opts: SamplingOptions,
): SampleOutput {
  validateSample(config, prompts, opts);
  const V = config.vocabSize;
  const rng = new Rng(opts.seed);
  const seqs = prompts.map((p) => p.slice());
  const tokens: number[][] = prompts.map(() => []);
  const entropy: number[][] = prompts.map(() => []);
  const active = prompts.map(() => opts.maxNewTokens > 0);
  const stop = new Set(opts.stopIds ?? []);
  for (let s = 0; s < opts.maxNewTokens; s++) {
    for (let b = 0; b < prompts.length; b++) {
      if (!active[b]) continue;
      if (seqs[b].length > config.blockSize) { active[b] = false; continue; }
      const logits = logitsOf(seqs[b]);
      const row = logits.subarray((seqs[b].length - 1) * V, seqs[b].length * V);
      const id = sampleToken(row, opts, rng);
      seqs[b].push(id);
      tokens[b].push(id);
      entropy[b].push(rowEntropy(row));
      if (stop.has(id)) active[b] = false;
    }
  }
  return { tokens, entropy };
}

export function probeNaive(
  config: ModelConfig, logProbsOf: SequenceLogProbs, requests: ProbeRequest[],
): number[][][] {
  return requests.map((req, r) => {
    validateProbe(config, req, r);
    return req.boundaries.map((bnd) => {
      const seq = req.context.slice(0, bnd).concat(req.continuation);
      const inputs = seq.slice(0, -1);
      const targets = inputs.map(() => -1);
      for (let j = req.scoreFrom; j < req.continuation.length; j++) targets[bnd + j - 1] = req.continuation[j];
      const logp = logProbsOf(inputs, targets);
      const out: number[] = [];
      for (let j = req.scoreFrom; j < req.continuation.length; j++) out.push(logp[bnd + j - 1]);
      return out;
    });
  });
}
