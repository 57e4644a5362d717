// Argument checks of the GPU engine's training calls, with the same rules and messages as the CPU
// reference (src/engine/cpu/cpuModel.ts); sampling and probe checks are shared (../validate.ts).
import type { ModelConfig } from '../config.ts';
export { validateProbe, validateSample } from '../validate.ts';

export function validateBatch(config: ModelConfig, inputs: Int32Array, targets: Int32Array, B: number, T: number, maxBT: number): void {
  const V = config.vocabSize;
  if (!Number.isInteger(B) || B <= 0) throw new RangeError(`B must be a positive integer, got ${B}`);
  if (!Number.isInteger(T) || T <= 0 || T > config.blockSize) {
    throw new RangeError(`T must be an integer in [1, blockSize=${config.blockSize}], got ${T}`);
  }
  if (B * T > maxBT) throw new RangeError(`B·T = ${B * T} exceeds this model's maxBatchTokens ${maxBT}`);
  if (inputs.length !== B * T) throw new RangeError(`inputs has ${inputs.length} elements, expected B·T = ${B * T}`);
  if (targets.length !== B * T) throw new RangeError(`targets has ${targets.length} elements, expected B·T = ${B * T}`);
  for (let i = 0; i < B * T; i++) {
    if (!(inputs[i] >= 0 && inputs[i] < V)) throw new RangeError(`inputs[${i}] = ${inputs[i]} is not a token id in [0, ${V})`);
    if (!(targets[i] >= -1 && targets[i] < V)) throw new RangeError(`targets[${i}] = ${targets[i]} must be -1 or a token id in [0, ${V})`);
  }
}

export function validateParams(p: ArrayLike<number>, total: number, what = 'params'): void {
  if (p.length !== total) throw new RangeError(`${what} has ${p.length} elements, the config needs ${total}`);
  for (let i = 0; i < p.length; i++) {
    if (!Number.isFinite(p[i])) throw new RangeError(`${what}[${i}] is ${p[i]}`);
  }
}
