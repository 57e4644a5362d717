// Stability score (smoothness of the optimisation), repro-method.md §5.
import { checkJ } from './validate.ts';

/**
 * S_stab(k) = Kendall τ_b((J_0 … J_k), (0 … k)) for every prefix k = 0 … M (repro-method.md §5):
 * τ_b = (C − D) / sqrt(n0 · (n0 − n2)), n0 = k(k+1)/2 pairs, n2 = pairs with J_i == J_j exactly
 * (indices never tie, so n1 = 0). A zero denominator (one point, or all J equal) gives 0.
 * Pair counts are accumulated prefix by prefix: O(M²) for all prefixes together.
 */
export function stabilityScore(J: ArrayLike<number>): number[] {
  checkJ(J);
  const out = new Array<number>(J.length);
  let concordant = 0;
  let discordant = 0;
  let tiedJ = 0;
  out[0] = 0;
  for (let k = 1; k < J.length; k++) {
    // New pairs (i, k), i < k: the index always rises, so the sign of J_k − J_i decides.
    const Jk = J[k];
    for (let i = 0; i < k; i++) {
      if (Jk > J[i]) concordant++;
      else if (Jk < J[i]) discordant++;
      else tiedJ++;
    }
    const n0 = (k * (k + 1)) / 2;
    const denom = Math.sqrt(n0 * (n0 - tiedJ));
    out[k] = denom === 0 ? 0 : (concordant - discordant) / denom;
  }
  return out;
}
