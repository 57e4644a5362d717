// Naive sampling and answer probing for the CPU reference: every step re-runs the whole prefix
// (no KV cache), which is exact and fine for tiny models. The WebGPU engine (with a KV cache) must
// reproduce these results; the order of random draws is part of the contract:
//   for step s = 0 … maxNewTokens−1, for each prompt b in order that is still active: one draw.
// A row stops after emitting a stop id (kept), after maxNewTokens, or when its sequence already
// holds blockSize + 1 tokens (the last fed position is blockSize − 1).
import type { ModelConfig } from '../config.ts';
import type { ProbeRequest, SampleOptions, SampleOutput } from '../types.ts';
import { Rng } from '../rng.ts';
import { rowEntropy, sampleToken } from '../sampling.ts';

/** Runs the model on one sequence and returns its logits [n, V]. */
export type SequenceLogits = (tokens: number[]) => Float64Array;
/** Runs the model on one sequence (inputs, targets with -1 = unscored) and returns logp [n]. */
export type SequenceLogProbs = (inputs: number[], targets: number[]) => Float64Array;

export function sampleNaive(
  config: ModelConfig, logitsOf: SequenceLogits, prompts: number[][], opts: SampleOptions,
): SampleOutput {
  validateSampleOptions(config, prompts, opts);
  const V = config.vocabSize;
  const rng = new Rng(opts.seed);
  const seqs = prompts.map((p) => p.slice());
  const tokens: number[][] = prompts.map(() => []);
  const entropy: number[][] = prompts.map(() => []);
  const active = prompts.map(() => opts.maxNewTokens > 0);
  const stop = new Set(opts.stopIds);
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

function checkIds(ids: unknown, V: number, what: string): void {
  if (!Array.isArray(ids)) throw new TypeError(`${what} must be an array of token ids`);
  for (let i = 0; i < ids.length; i++) {
    const x = ids[i];
    if (!Number.isInteger(x) || x < 0 || x >= V) throw new RangeError(`${what}[${i}] = ${x} is not a token id in [0, ${V})`);
  }
}

function validateSampleOptions(config: ModelConfig, prompts: number[][], o: SampleOptions): void {
  if (!Number.isInteger(o.maxNewTokens) || o.maxNewTokens < 0) {
    throw new RangeError(`maxNewTokens must be an integer >= 0, got ${o.maxNewTokens}`);
  }
  if (!Number.isFinite(o.seed)) throw new RangeError(`seed must be a finite number, got ${o.seed}`);
  checkIds(o.stopIds, config.vocabSize, 'stopIds');
  prompts.forEach((p, b) => {
    checkIds(p, config.vocabSize, `prompts[${b}]`);
    if (p.length === 0) throw new RangeError(`prompts[${b}] is empty: sampling needs at least one token`);
    if (p.length > config.blockSize) throw new RangeError(`prompts[${b}] has ${p.length} tokens, more than blockSize ${config.blockSize}`);
  });
}

function validateProbe(config: ModelConfig, req: ProbeRequest, r: number): void {
  const at = `requests[${r}]`;
  checkIds(req.context, config.vocabSize, `${at}.context`);
  checkIds(req.continuation, config.vocabSize, `${at}.continuation`);
  if (!Number.isInteger(req.scoreFrom) || req.scoreFrom < 0 || req.scoreFrom >= req.continuation.length) {
    throw new RangeError(`${at}.scoreFrom = ${req.scoreFrom} must index a continuation token (length ${req.continuation.length})`);
  }
  req.boundaries.forEach((bnd, i) => {
    if (!Number.isInteger(bnd) || bnd < 0 || bnd > req.context.length) {
      throw new RangeError(`${at}.boundaries[${i}] = ${bnd} must be an integer in [0, ${req.context.length}]`);
    }
    if (bnd + req.scoreFrom === 0) {
      throw new RangeError(`${at}.boundaries[${i}] = 0 with scoreFrom 0: the first scored token has no context`);
    }
    if (bnd + req.continuation.length - 1 > config.blockSize) {
      throw new RangeError(`${at}.boundaries[${i}] = ${bnd}: context + continuation needs ${bnd + req.continuation.length - 1} positions, blockSize is ${config.blockSize}`);
    }
  });
}
