// Entropy-based segment selection (the cost cut), repro-method.md §7.
import { checkFiniteArray, describeValue } from './validate.ts';

/** topK of repro-method.md §7. */
export const DEFAULT_TOP_K = 8;

/** Entropies are ≥ 0; allow this much float noise below 0 (GPU reductions). */
const ENTROPY_NEGATIVE_TOLERANCE = 1e-6;

/**
 * The `topK` segments with the largest first-token entropy H_k, ties → the earlier segment,
 * returned as 0-based segment indices in ascending order; M = min(topK, K) of them
 * (repro-method.md §7). topK ≥ K keeps every segment.
 */
export function selectTopKByEntropy(firstTokenEntropy: ArrayLike<number>, topK: number): number[] {
  checkFiniteArray(firstTokenEntropy, 'firstTokenEntropy');
  if (typeof topK !== 'number' || !Number.isInteger(topK) || topK < 1) {
    throw new RangeError(`topK must be a positive integer (got ${describeValue(topK)})`);
  }
  const K = firstTokenEntropy.length;
  for (let k = 0; k < K; k++) {
    if (firstTokenEntropy[k] < -ENTROPY_NEGATIVE_TOLERANCE) {
      throw new RangeError(`firstTokenEntropy[${k}] = ${firstTokenEntropy[k]} is an entropy and must be ≥ 0`);
    }
  }
  const order = Array.from({ length: K }, (_, k) => k);
  if (topK >= K) return order;
  order.sort((a, b) => firstTokenEntropy[b] - firstTokenEntropy[a] || a - b);
  return order.slice(0, topK).sort((a, b) => a - b);
}
