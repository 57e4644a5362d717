// What AdamW's settings must satisfy and which tensors get weight decay: shared by the float64
// CPU step (cpu/adamw.ts) and the WebGPU step (gpu/layers/adamw.ts), so the GPU code never
// imports its CPU reference at run time.
import type { ParamName } from './config.ts';
import type { AdamWConfig } from './types.ts';

/** Tensors that get weight decay: the matrices (embeddings and linear weights); never LN or biases. */
export const DECAYED_PARAMS: readonly ParamName[] = ['wte', 'wpe', 'qkvw', 'attprojw', 'fcw', 'fcprojw'];

export function validateAdamW(opt: AdamWConfig): void {
  const check = (k: keyof AdamWConfig, ok: (x: number) => boolean, what: string) => {
    if (!(Number.isFinite(opt[k]) && ok(opt[k]))) throw new RangeError(`AdamWConfig.${k} must be ${what}, got ${opt[k]}`);
  };
  check('learningRate', (x) => x >= 0, '>= 0');
  check('beta1', (x) => x >= 0 && x < 1, 'in [0, 1)');
  check('beta2', (x) => x >= 0 && x < 1, 'in [0, 1)');
  check('eps', (x) => x > 0, '> 0');
  check('weightDecay', (x) => x >= 0, '>= 0');
  check('gradClip', () => true, 'finite');
}
