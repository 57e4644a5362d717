// Float64 CPU reference for the top-k kernel (shaders/logits_topk.wgsl) and the WASM fallback's
// CPU logits. Deliberately the textbook form — a full stable sort of the row for the top-k, a
// count straight from the rank's definition, max then log-sum-exp in two passes, the entropy as
// −Σ p·log p — so it shares nothing with the kernel's streaming lists. Pure: no GPU imports.
import { checkTargets } from './logitsStatsCpu.ts';

/** The largest k the kernel supports (its private lists have this many slots). */
export const TOPK_MAX_K = 20;

/** Per-row status bits (0 = a proper distribution). */
export const TOPK_STATUS = {
  /** Some entry is NaN: nothing else is reported for the row. */
  nan: 1,
  /** Some entry is +Infinity (e.g. an f16 overflow): nothing else is reported. */
  posInf: 2,
  /** Every entry is −Infinity: no distribution; logSumExp = −Infinity, nothing else reported. */
  noFinite: 4,
} as const;

/** Entries at or below this count as −Infinity (the kernel clamps them on load, as logits_stats does). */
export const TOPK_NEG_BIG = -1e30;

export interface LogitsTopK<F extends Float32Array | Float64Array = Float32Array> {
  rows: number;
  k: number;
  /** [rows, k] token ids, best first (ties → lower id); −1 throughout a row with status ≠ 0. */
  ids: Int32Array;
  /** [rows, k] log p of those ids (nats); −Infinity for −inf entries; NaN in a row with status ≠ 0. */
  logProbs: F;
  /**
   * [rows] 0-based rank of the chosen token c: #{j : x_j > x_c} + #{j < c : x_j = x_c}, i.e. its
   * position in the same order as `ids` (rank < k ⇔ ids[rank] = c). −1 where c is −1 or status ≠ 0.
   */
  rank: Int32Array;
  /** [rows] log p(c); NaN where rank is −1. */
  chosenLogProb: F;
  /** [rows] log Σ exp(x); −Infinity for status noFinite, NaN for nan / posInf. */
  logSumExp: F;
  /**
   * [rows] entropy −Σ p·log p (nats) of the whole row, so a scorer reading the top-k needs no
   * second pass over the row for it (repro-method.md §7's segment entropies); NaN where status ≠ 0.
   */
  entropy: F;
  /** [rows] TOPK_STATUS bits. */
  status: Uint8Array;
}

/** Throws a RangeError naming k unless 1 ≤ k ≤ min(TOPK_MAX_K, vocab). */
export function checkTopK(k: number, vocab: number): void {
  if (!Number.isInteger(k) || k < 1 || k > TOPK_MAX_K || k > vocab) {
    throw new RangeError(`k = ${k} must be an integer in [1, ${Math.min(TOPK_MAX_K, vocab)}] (at most ${TOPK_MAX_K}, at most vocab = ${vocab})`);
  }
}

/** An empty result to fill; exported so the GPU runner decodes into the same shape. */
export function emptyTopK<F extends Float32Array | Float64Array>(rows: number, k: number, Float: new (n: number) => F): LogitsTopK<F> {
  return {
    rows, k,
    ids: new Int32Array(rows * k),
    logProbs: new Float((rows * k)),
    rank: new Int32Array(rows),
    chosenLogProb: new Float(rows),
    logSumExp: new Float(rows),
    entropy: new Float(rows),
    status: new Uint8Array(rows),
  };
}

/**
 * Top-k of every row of `logits` [rows, vocab] (row-major) with log-softmax values, and the rank
 * and log p of `chosen[r]` (−1 = none). See LogitsTopK for the special values.
 */
export function logitsTopKCpu(
  logits: ArrayLike<number>,
  rows: number,
  vocab: number,
  k: number,
  chosen?: ArrayLike<number> | null,
): LogitsTopK<Float64Array> {
  if (!Number.isInteger(rows) || rows < 0) throw new RangeError(`rows must be an integer ≥ 0, got ${rows}`);
  if (!Number.isInteger(vocab) || vocab < 1) throw new RangeError(`vocab must be an integer ≥ 1, got ${vocab}`);
  if (logits.length < rows * vocab) throw new RangeError(`logits has ${logits.length} values, but rows × vocab = ${rows * vocab}`);
  checkTopK(k, vocab);
  if (chosen) checkTargets(chosen, rows, vocab);
  const out = emptyTopK(rows, k, Float64Array);
  const x = new Float64Array(vocab);
  for (let r = 0; r < rows; r++) {
    let status = 0;
    for (let j = 0; j < vocab; j++) {
      const v = logits[r * vocab + j];
      if (Number.isNaN(v)) status |= TOPK_STATUS.nan;
      else if (v === Infinity) status |= TOPK_STATUS.posInf;
      x[j] = v <= TOPK_NEG_BIG ? -Infinity : v;
    }
    let m = -Infinity;
    for (let j = 0; j < vocab; j++) m = Math.max(m, x[j]);
    if (status === 0 && m === -Infinity) status = TOPK_STATUS.noFinite;
    out.status[r] = status;
    const slots = out.ids.subarray(r * k, (r + 1) * k);
    const logps = out.logProbs.subarray(r * k, (r + 1) * k);
    if (status !== 0) {
      slots.fill(-1);
      logps.fill(NaN);
      out.rank[r] = -1;
      out.chosenLogProb[r] = NaN;
      out.logSumExp[r] = status === TOPK_STATUS.noFinite ? -Infinity : NaN;
      out.entropy[r] = NaN;
      continue;
    }
    let s = 0;
    for (let j = 0; j < vocab; j++) s += Math.exp(x[j] - m);
    const lse = m + Math.log(s);
    out.logSumExp[r] = lse;
    let h = 0;
    for (let j = 0; j < vocab; j++) {
      const p = Math.exp(x[j] - lse);
      if (p > 0) h -= p * (x[j] - lse);
    }
    out.entropy[r] = h;
    const order = Array.from({ length: vocab }, (_, j) => j).sort((a, b) => (x[b] - x[a]) || a - b);
    for (let i = 0; i < k; i++) {
      slots[i] = order[i];
      logps[i] = x[order[i]] - lse;
    }
    const c = chosen ? chosen[r] : -1;
    if (c < 0) {
      out.rank[r] = -1;
      out.chosenLogProb[r] = NaN;
      continue;
    }
    let ahead = 0;
    for (let j = 0; j < vocab; j++) if (x[j] > x[c] || (x[j] === x[c] && j < c)) ahead++;
    out.rank[r] = ahead;
    out.chosenLogProb[r] = x[c] - lse;
  }
  return out;
}
