// The surrogate objective J_k, repro-method.md §3.
import { J_POSITIVE_TOLERANCE, checkFiniteArray } from './validate.ts';

/**
 * J = (1/|a|) · Σ_i log π(a_i | q, τ_{≤k}, probe, a_{<i}): the mean natural-log probability of
 * the answer tokens (repro-method.md §3). Each log-prob must be finite and ≤ 0 (up to 1e-6).
 */
export function objectiveJ(answerLogProbs: ArrayLike<number>): number {
  checkFiniteArray(answerLogProbs, 'answerLogProbs');
  const n = answerLogProbs.length;
  if (n === 0) throw new RangeError('answerLogProbs must hold at least one answer token (got an empty array)');
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const lp = answerLogProbs[i];
    if (lp > J_POSITIVE_TOLERANCE) {
      throw new RangeError(`answerLogProbs[${i}] = ${lp} is a log-probability and must be ≤ 0`);
    }
    sum += lp;
  }
  return sum / n;
}
