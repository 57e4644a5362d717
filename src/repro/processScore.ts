// Process score, repro-method.md §6.
import { DEFAULT_EPS, magnitudeScore } from './magnitudeScore.ts';
import { stabilityScore } from './stabilityScore.ts';
import { checkWeight } from './validate.ts';

/** w of repro-method.md §6. */
export const DEFAULT_W = 0.5;

/** S(k) = w · S_magn(k) + (1 − w) · S_stab(k), k = 0 … M (repro-method.md §6); S(0) = 0. */
export function processScore(J: ArrayLike<number>, opts: { w?: number; eps?: number } = {}): number[] {
  const w = opts.w ?? DEFAULT_W;
  checkWeight(w, 'opts.w');
  const magn = magnitudeScore(J, { eps: opts.eps ?? DEFAULT_EPS });
  const stab = stabilityScore(J);
  return magn.map((m, k) => w * m + (1 - w) * stab[k]);
}
