// Argument checks shared by the CPU reference and the WebGPU engine, so both reject the same
// inputs with the same messages.
import type { ModelConfig } from './config.ts';
import type { ProbeRequest, SamplingOptions } from './types.ts';
import { probeFits } from '../repro/jProbe.ts';

export function checkIds(ids: unknown, V: number, what: string): void {
  if (!Array.isArray(ids)) throw new TypeError(`${what} must be an array of token ids`);
  for (let i = 0; i < ids.length; i++) {
    const x = ids[i];
    if (!Number.isInteger(x) || x < 0 || x >= V) throw new RangeError(`${what}[${i}] = ${x} is not a token id in [0, ${V})`);
  }
}

export function validateSample(config: ModelConfig, prompts: number[][], o: SamplingOptions): void {
  if (!Array.isArray(prompts)) throw new TypeError('prompts must be an array of token-id arrays');
  if (!Number.isInteger(o.maxNewTokens) || o.maxNewTokens < 0) {
    throw new RangeError(`maxNewTokens must be an integer >= 0, got ${o.maxNewTokens}`);
  }
  if (!Number.isFinite(o.seed)) throw new RangeError(`seed must be a finite number, got ${o.seed}`);
  checkIds(o.stopIds ?? [], config.vocabSize, 'stopIds');
  prompts.forEach((p, b) => {
    checkIds(p, config.vocabSize, `prompts[${b}]`);
    if (p.length === 0) throw new RangeError(`prompts[${b}] is empty: sampling needs at least one token`);
    if (p.length > config.blockSize) throw new RangeError(`prompts[${b}] has ${p.length} tokens, more than blockSize ${config.blockSize}`);
  });
}

export function validateProbe(config: ModelConfig, req: ProbeRequest, r: number): void {
  const at = `requests[${r}]`;
  checkIds(req.context, config.vocabSize, `${at}.context`);
  checkIds(req.continuation, config.vocabSize, `${at}.continuation`);
  if (!Array.isArray(req.boundaries)) throw new TypeError(`${at}.boundaries must be an array`);
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
    if (!probeFits(bnd, req.continuation.length, config.blockSize)) {
      throw new RangeError(`${at}.boundaries[${i}] = ${bnd}: context + continuation needs ${bnd + req.continuation.length - 1} positions, blockSize is ${config.blockSize}`);
    }
  });
}
