// The training head: from logits, per-token log p(target) and entropy of the predictive
// distribution (what TrainableModel.forward returns), and its backward for any dL/dlogp.
// The logits themselves come from matmulForward(lnf, wte) (tied embedding, no bias).

export function logProbHeadForward(
  logp: Float64Array, entropy: Float64Array, probs: Float64Array,
  logits: Float64Array, targets: Int32Array,
  B: number, T: number, V: number,
): void {
  // logp [B,T] (0 where target = -1), entropy [B,T] (nats), probs [B,T,V] (softmax; saved for
  // backward), logits [B,T,V], targets [B,T] (-1 = ignore)
  for (let r = 0; r < B * T; r++) {
    const x = r * V;
    let m = -Infinity;
    for (let i = 0; i < V; i++) if (logits[x + i] > m) m = logits[x + i];
    let z = 0;
    for (let i = 0; i < V; i++) {
      const e = Math.exp(logits[x + i] - m);
      probs[x + i] = e;
      z += e;
    }
    const logZ = m + Math.log(z);
    let h = 0;
    for (let i = 0; i < V; i++) {
      probs[x + i] /= z;
      h -= probs[x + i] * (logits[x + i] - logZ);
    }
    entropy[r] = h;
    const tgt = targets[r];
    logp[r] = tgt < 0 ? 0 : logits[x + tgt] - logZ;
  }
}

export function logProbHeadBackward(
  dlogits: Float64Array, dlogp: ArrayLike<number>, probs: Float64Array, targets: Int32Array,
  B: number, T: number, V: number,
): void {
  // dlogits [B,T,V] =, dlogp [B,T], probs [B,T,V], targets [B,T]
  // ∂ log p_tgt / ∂ logit_i = 1[i = tgt] − p_i; rows with target -1 get 0.
  for (let r = 0; r < B * T; r++) {
    const x = r * V;
    const tgt = targets[r];
    if (tgt < 0) { dlogits.fill(0, x, x + V); continue; }
    const d = dlogp[r];
    for (let i = 0; i < V; i++) dlogits[x + i] = -d * probs[x + i];
    dlogits[x + tgt] += d;
  }
}
