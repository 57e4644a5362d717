// Shared fixtures for the engine's Node tests: a tiny config and seeded random parameters that
// exercise every path (non-zero biases, LN weights away from 1), unlike the GPT-2 init.
import { PARAM_NAMES, paramLayout, type ModelConfig } from '../../../src/engine/config.ts';
import { Rng } from '../../../src/sampling/rng.ts';

export const TINY: ModelConfig = { vocabSize: 11, blockSize: 8, nLayer: 2, nHead: 2, nEmbd: 8 };

export function randomParams(config: ModelConfig, seed: number, std = 0.3): Float64Array {
  const layout = paramLayout(config);
  const out = new Float64Array(layout.total);
  const rng = new Rng(seed);
  for (const name of PARAM_NAMES) {
    const isLnWeight = name === 'ln1w' || name === 'ln2w' || name === 'lnfw';
    for (let i = 0; i < layout.sizes[name]; i++) {
      out[layout.offsets[name] + i] = (isLnWeight ? 1 : 0) + std * rng.normal();
    }
  }
  return out;
}

export function randomArray(n: number, rng: Rng, scale = 1): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = scale * rng.normal();
  return a;
}

export function randomIds(n: number, V: number, rng: Rng): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.nextUint32() % V;
  return a;
}

/** |a − n| / max(|a|, |n|, floor): relative error with a floor for gradients that are ~0. */
export function relErr(analytic: number, numeric: number, floor = 1e-4): number {
  return Math.abs(analytic - numeric) / Math.max(Math.abs(analytic), Math.abs(numeric), floor);
}
