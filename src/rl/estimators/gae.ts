// Generalised advantage estimation over one response's token rewards (repro-method.md §11, verl
// compute_gae_advantage_return). Pure. V(s_n) = 0: the response ends the episode.
//   δ_t = r_t + γ·V_{t+1} − V_t,   A_t = δ_t + γλ·A_{t+1},   returns_t = A_t + V_t

export interface GaeResult {
  advantages: Float64Array;
  returns: Float64Array;
}

export function gae(rewards: ArrayLike<number>, values: ArrayLike<number>, gamma: number, lam: number): GaeResult {
  const n = rewards.length;
  if (values.length !== n) throw new RangeError(`values has ${values.length} entries for ${n} rewards`);
  checkUnit('gamma', gamma);
  checkUnit('lam', lam);
  const advantages = new Float64Array(n);
  const returns = new Float64Array(n);
  let last = 0;
  for (let t = n - 1; t >= 0; t--) {
    if (!Number.isFinite(rewards[t])) throw new RangeError(`rewards[${t}] must be finite (got ${rewards[t]})`);
    if (!Number.isFinite(values[t])) throw new RangeError(`values[${t}] must be finite (got ${values[t]})`);
    const next = t < n - 1 ? values[t + 1] : 0;
    const delta = rewards[t] + gamma * next - values[t];
    last = delta + gamma * lam * last;
    advantages[t] = last;
    returns[t] = last + values[t];
  }
  return { advantages, returns };
}

/** G_t = r_t + γ·G_{t+1}, G_n = 0: REINFORCE++'s discounted return-to-go (repro-method.md §11). */
export function discountedReturns(rewards: ArrayLike<number>, gamma: number): Float64Array {
  checkUnit('gamma', gamma);
  const n = rewards.length;
  const out = new Float64Array(n);
  let g = 0;
  for (let t = n - 1; t >= 0; t--) {
    if (!Number.isFinite(rewards[t])) throw new RangeError(`rewards[${t}] must be finite (got ${rewards[t]})`);
    g = rewards[t] + gamma * g;
    out[t] = g;
  }
  return out;
}

function checkUnit(name: string, x: number): void {
  if (typeof x !== 'number' || !(x >= 0 && x <= 1)) throw new RangeError(`${name} must be in [0, 1] (got ${String(x)})`);
}
