// Token-level rewards of one response for PPO and REINFORCE++ (repro-method.md §11). Pure.
//   r_t = 0, except  r_{n−1} += R  (outcome at the last response token),
//   r_{end(k_j)−1} += α·r_j  (process reward at the last token of kept segment k_j; skipped when α = 0),
//   and, with a KL in the reward, r_t −= kl_coef·(log π_old(t) − log π_ref(t))  (k1, every token).

export interface TokenRewardInput {
  /** n, completion tokens of the response (≥ 1) */
  length: number;
  /** R, the verifier's outcome reward */
  outcome: number;
  /** r_1 … r_M of the kept segments (repro-method.md §8); empty or null when none / α = 0 */
  processRewards?: ArrayLike<number> | null;
  /** exclusive token end (into the completion) of each kept segment, ascending */
  segmentEnds?: ArrayLike<number> | null;
  /** α */
  alpha: number;
  /** k1 KL in the reward: kl_coef and the per-token log-probs (completion-indexed); null = off */
  kl?: { coef: number; oldLogp: ArrayLike<number>; refLogp: ArrayLike<number> } | null;
}

export function tokenRewards(inp: TokenRewardInput): Float64Array {
  const { length: n, outcome, alpha } = inp;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`length must be an integer ≥ 1: the outcome reward needs a last token (got ${n})`);
  if (!Number.isFinite(outcome)) throw new RangeError(`outcome reward must be finite (got ${outcome})`);
  if (!(alpha >= 0) || !Number.isFinite(alpha)) throw new RangeError(`alpha must be a finite number ≥ 0 (got ${alpha})`);
  const r = new Float64Array(n);
  r[n - 1] = outcome;
  const pr = inp.processRewards ?? [];
  const ends = inp.segmentEnds ?? [];
  if (pr.length !== ends.length) throw new RangeError(`processRewards (${pr.length}) and segmentEnds (${ends.length}) must have the same length`);
  if (alpha > 0) {
    for (let j = 0; j < ends.length; j++) {
      const e = ends[j];
      if (!Number.isInteger(e) || e < 1 || e > n) throw new RangeError(`segmentEnds[${j}] must be an integer in [1, ${n}] (got ${e})`);
      if (j > 0 && e <= ends[j - 1]) throw new RangeError(`segmentEnds[${j}] = ${e} must be greater than segmentEnds[${j - 1}] = ${ends[j - 1]}`);
      if (!Number.isFinite(pr[j])) throw new RangeError(`processRewards[${j}] must be finite (got ${pr[j]})`);
      r[e - 1] += alpha * pr[j];
    }
  }
  const kl = inp.kl ?? null;
  if (kl !== null) {
    if (!(kl.coef >= 0) || !Number.isFinite(kl.coef)) throw new RangeError(`kl_coef must be a finite number ≥ 0 (got ${kl.coef})`);
    if (kl.oldLogp.length !== n || kl.refLogp.length !== n) {
      throw new RangeError(`KL log-probs have ${kl.oldLogp.length} / ${kl.refLogp.length} values for ${n} tokens`);
    }
    if (kl.coef > 0) for (let t = 0; t < n; t++) r[t] -= kl.coef * (kl.oldLogp[t] - kl.refLogp[t]);
  }
  return r;
}
