// Magnitude score (intensity of the optimisation), repro-method.md §4.
import { checkEps, checkJ } from './validate.ts';

/** ε of repro-method.md §4. */
export const DEFAULT_EPS = 1e-6;

/**
 * S_magn(k) = tanh((J_k − J_0) / (|J_0| + ε)) for k = 0 … M (repro-method.md §4);
 * index 0 is 0 by construction.
 */
export function magnitudeScore(J: ArrayLike<number>, opts: { eps?: number } = {}): number[] {
  checkJ(J);
  const eps = opts.eps ?? DEFAULT_EPS;
  checkEps(eps, 'opts.eps');
  const J0 = J[0];
  const scale = Math.abs(J0) + eps;
  const out = new Array<number>(J.length);
  for (let k = 0; k < J.length; k++) out[k] = Math.tanh((J[k] - J0) / scale);
  return out;
}
