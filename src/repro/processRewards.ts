// Process rewards, repro-method.md §8.
import { processScore } from './processScore.ts';

/**
 * r_j = S(j) − S(j − 1), j = 1 … M (repro-method.md §8): length J.length − 1, and Σ_j r_j = S(M)
 * because S(0) = 0. r_j belongs to the j-th kept segment of the trajectory J.
 */
export function processRewards(J: ArrayLike<number>, opts: { w?: number; eps?: number } = {}): number[] {
  const S = processScore(J, opts);
  const r = new Array<number>(S.length - 1);
  for (let j = 1; j < S.length; j++) r[j - 1] = S[j] - S[j - 1];
  return r;
}
