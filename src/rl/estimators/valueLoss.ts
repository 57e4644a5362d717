// The PPO critic's clipped value loss and its gradient w.r.t. the predicted values
// (repro-method.md §11, verl compute_value_loss). Pure.
// Over the N masked tokens:
//   V_clip = clip(V, V_old − c, V_old + c)
//   loss   = ½ · (1/N) Σ_t max((V_t − G_t)², (V_clip,t − G_t)²)
//   ∂loss/∂V_t = (V_t − G_t)/N where the unclipped term is ≥ the clipped one, else 0 (the clip is flat there)
//   clipFrac = share of tokens where the clipped term is strictly larger (verl's vf_clipfrac).

export interface ValueLossInput {
  values: ArrayLike<number>;
  oldValues: ArrayLike<number>;
  returns: ArrayLike<number>;
  /** 1 where the token counts, 0 elsewhere */
  mask: ArrayLike<number>;
  /** cliprange_value, c > 0 */
  cliprange: number;
}

export interface ValueLossOutput {
  loss: number;
  /** ∂loss/∂V per position, same layout; 0 where mask is 0 */
  dvalues: Float32Array;
  clipFrac: number;
  tokens: number;
}

export function clippedValueLoss(inp: ValueLossInput): ValueLossOutput {
  const { values, oldValues, returns, mask, cliprange: c } = inp;
  const n = values.length;
  for (const [name, arr] of [['oldValues', oldValues], ['returns', returns], ['mask', mask]] as const) {
    if (arr.length !== n) throw new RangeError(`${name} has length ${arr.length}, values has ${n}`);
  }
  if (!(c > 0) || !Number.isFinite(c)) throw new RangeError(`cliprange_value must be a finite number > 0 (got ${c})`);
  let N = 0;
  for (let t = 0; t < n; t++) {
    if (mask[t] !== 0 && mask[t] !== 1) throw new RangeError(`mask[${t}] must be 0 or 1 (got ${mask[t]})`);
    N += mask[t];
  }
  const dvalues = new Float32Array(n);
  if (N === 0) return { loss: 0, dvalues, clipFrac: 0, tokens: 0 };
  let sum = 0;
  let clipped = 0;
  for (let t = 0; t < n; t++) {
    if (mask[t] === 0) continue;
    const v = values[t];
    const vc = Math.min(Math.max(v, oldValues[t] - c), oldValues[t] + c);
    const l1 = (v - returns[t]) ** 2;
    const l2 = (vc - returns[t]) ** 2;
    if (l2 > l1) {
      clipped++;
      sum += l2;
    } else {
      sum += l1;
      dvalues[t] = (v - returns[t]) / N;
    }
  }
  return { loss: (0.5 * sum) / N, dvalues, clipFrac: clipped / N, tokens: N };
}
