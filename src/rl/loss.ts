// The GRPO policy loss of repro-method.md §9 and its gradient w.r.t. the per-token log-probs
// (what TrainableModel.backward takes). Pure.
//
// Over the N masked tokens of the whole batch (token-mean, as TRL's "bnpo"/DAPO loss):
//   ρ_t   = exp(logp_t − logpOld_t)
//   L_t   = −min(ρ_t·A_t, clip(ρ_t, 1−ε, 1+ε)·A_t) + β·KL_t
//   KL_t  = exp(ref_t − logp_t) − (ref_t − logp_t) − 1                    (k3 estimator)
//   loss  = (1/N) Σ_t L_t
// ∂L_t/∂logp_t:
//   surrogate: −ρ_t·A_t, except 0 where the clipped branch is active, i.e. where
//              (A_t > 0 and ρ_t > 1+ε) or (A_t < 0 and ρ_t < 1−ε) (the same tokens TRL counts as clipped);
//   KL:        β·(1 − exp(ref_t − logp_t)).

export interface GrpoLossInput {
  /** log π_θ per token (any layout, e.g. [B, T] row-major). */
  logp: ArrayLike<number>;
  /** log π_old per token (the policy that sampled the rollouts). */
  oldLogp: ArrayLike<number>;
  /** log π_ref per token; required when beta > 0, ignored otherwise. */
  refLogp?: ArrayLike<number> | null;
  /** A_t per token. */
  advantages: ArrayLike<number>;
  /** 1 where the token is a completion token that counts, 0 elsewhere (prompt, padding). */
  mask: ArrayLike<number>;
  /** clip ε */
  epsilon: number;
  /** KL weight β */
  beta: number;
}

export interface GrpoLossOutput {
  loss: number;
  /** ∂loss/∂logp per token, same layout as the input; 0 where mask is 0. */
  dlogp: Float32Array;
  /** Fraction of masked tokens where the clipped branch is active. */
  clipFrac: number;
  /** Mean k3 KL to the reference over masked tokens (0 when beta = 0 and no reference). */
  klMean: number;
  /** Mean ratio ρ over masked tokens. */
  ratioMean: number;
  /** N, masked tokens. */
  tokens: number;
}

/** The loss and its gradient; non-finite inputs make a non-finite loss (the trainer rejects that step). */
export function grpoLoss(inp: GrpoLossInput): GrpoLossOutput {
  const { logp, oldLogp, advantages, mask, epsilon, beta } = inp;
  const n = logp.length;
  for (const [name, arr] of [['oldLogp', oldLogp], ['advantages', advantages], ['mask', mask]] as const) {
    if (arr.length !== n) throw new RangeError(`${name} has length ${arr.length}, logp has ${n}`);
  }
  if (!(epsilon > 0 && epsilon < 1)) throw new RangeError(`epsilon must be in (0, 1) (got ${epsilon})`);
  if (!(beta >= 0) || !Number.isFinite(beta)) throw new RangeError(`beta must be a finite number ≥ 0 (got ${beta})`);
  const ref = inp.refLogp ?? null;
  if (beta > 0 && ref === null) throw new RangeError('refLogp is required when beta > 0');
  if (ref !== null && ref.length !== n) throw new RangeError(`refLogp has length ${ref.length}, logp has ${n}`);

  let N = 0;
  for (let t = 0; t < n; t++) {
    const m = mask[t];
    if (m !== 0 && m !== 1) throw new RangeError(`mask[${t}] must be 0 or 1 (got ${m})`);
    N += m;
  }
  const dlogp = new Float32Array(n);
  if (N === 0) return { loss: 0, dlogp, clipFrac: 0, klMean: 0, ratioMean: 1, tokens: 0 };

  let lossSum = 0;
  let clipped = 0;
  let klSum = 0;
  let ratioSum = 0;
  for (let t = 0; t < n; t++) {
    if (mask[t] === 0) continue;
    const rho = Math.exp(logp[t] - oldLogp[t]);
    const A = advantages[t];
    const clippedRho = Math.min(Math.max(rho, 1 - epsilon), 1 + epsilon);
    const isClipped = (A > 0 && rho > 1 + epsilon) || (A < 0 && rho < 1 - epsilon);
    let lt = -Math.min(rho * A, clippedRho * A);
    let g = isClipped ? 0 : -rho * A;
    if (ref !== null) {
      const d = ref[t] - logp[t];
      const ed = Math.exp(d);
      const kl = ed - d - 1;
      klSum += kl;
      lt += beta * kl;
      g += beta * (1 - ed);
    }
    lossSum += lt;
    clipped += isClipped ? 1 : 0;
    ratioSum += rho;
    dlogp[t] = g / N;
  }
  return { loss: lossSum / N, dlogp, clipFrac: clipped / N, klMean: ref !== null ? klSum / N : 0, ratioMean: ratioSum / N, tokens: N };
}
