// Float64 CPU reference for the fused logits kernel (shaders/logits_stats.wgsl) and the WASM
// fallback path. Deliberately the plain textbook form — max, then lse, then −Σ p·log p over
// a fresh pass — so it is independent of the kernel's streaming formulation. Pure: no GPU imports.

export interface LogitsStatsF64 {
  max: Float64Array;
  logSumExp: Float64Array;
  /** Entropy of softmax(row) in nats. */
  entropy: Float64Array;
  /** log p(target) in nats; NaN where the target is −1 (none). */
  targetLogProb: Float64Array;
}

function checkShape(logits: ArrayLike<number>, rows: number, vocab: number): void {
  if (!Number.isInteger(rows) || rows < 0) throw new RangeError(`rows must be an integer ≥ 0, got ${rows}`);
  if (!Number.isInteger(vocab) || vocab < 1) throw new RangeError(`vocab must be an integer ≥ 1, got ${vocab}`);
  if (logits.length < rows * vocab) {
    throw new RangeError(`logits has ${logits.length} values, but rows × vocab = ${rows} × ${vocab} = ${rows * vocab}`);
  }
}

/** Throws a RangeError naming `targets[i]` when a target is not −1 or a valid id in [0, vocab). */
export function checkTargets(targets: ArrayLike<number>, rows: number, vocab: number): void {
  if (targets.length !== rows) throw new RangeError(`targets has length ${targets.length}, expected rows = ${rows}`);
  for (let i = 0; i < rows; i++) {
    const t = targets[i];
    if (!Number.isInteger(t) || t < -1 || t >= vocab) {
      throw new RangeError(`targets[${i}] = ${t} is not −1 (none) or a token id in [0, ${vocab})`);
    }
  }
}

/**
 * Per row of `logits` [rows, vocab] (row-major): max, log-sum-exp, entropy (nats) and
 * log p(target). −Infinity entries have probability 0. A row that is entirely −Infinity has
 * max = lse = −Infinity and NaN entropy / target log-prob (no distribution exists).
 */
export function logitsStatsCpu(
  logits: ArrayLike<number>,
  rows: number,
  vocab: number,
  targets?: ArrayLike<number> | null,
): LogitsStatsF64 {
  checkShape(logits, rows, vocab);
  if (targets) checkTargets(targets, rows, vocab);
  const out: LogitsStatsF64 = {
    max: new Float64Array(rows),
    logSumExp: new Float64Array(rows),
    entropy: new Float64Array(rows),
    targetLogProb: new Float64Array(rows),
  };
  for (let r = 0; r < rows; r++) {
    const base = r * vocab;
    let m = -Infinity;
    for (let j = 0; j < vocab; j++) m = Math.max(m, logits[base + j]);
    let s = 0;
    if (m !== -Infinity) for (let j = 0; j < vocab; j++) s += Math.exp(logits[base + j] - m);
    const lse = m + Math.log(s); // −Infinity + log 0 = −Infinity for an all −∞ row
    let h = 0;
    for (let j = 0; j < vocab; j++) {
      const logp = logits[base + j] - lse;
      const p = Math.exp(logp);
      if (p > 0) h -= p * logp;
    }
    out.max[r] = m;
    out.logSumExp[r] = lse;
    out.entropy[r] = m === -Infinity ? NaN : h;
    const t = targets ? targets[r] : -1;
    out.targetLogProb[r] = t < 0 || m === -Infinity ? NaN : logits[base + t] - lse;
  }
  return out;
}

// ---- IEEE 754 binary16 helpers (tests, the self-test and the CPU side of float16 logits) ----

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The binary16 bit pattern nearest to `x` (round to nearest, ties to even; overflow → ±Infinity). */
export function float32ToFloat16Bits(x: number): number {
  f32[0] = x; // first round to float32, as a GPU would hold the value
  const bits = u32[0];
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  const mant = bits & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // Inf / NaN (quiet)
  const e = exp - 127 + 15; // re-biased exponent
  if (e >= 0x1f) return sign | 0x7c00; // too large → Inf
  if (e <= 0) {
    if (e < -10) return sign; // below half the smallest subnormal → ±0
    const m = mant | 0x800000; // implicit leading 1
    const shift = 14 - e; // 24-bit significand → subnormal 10-bit field
    const half = m >>> shift;
    const rem = m & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    const rounded = rem > mid || (rem === mid && (half & 1) === 1) ? half + 1 : half;
    return sign | rounded; // a carry into the exponent field gives the smallest normal, correctly
  }
  const half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  const rounded = rem > 0x1000 || (rem === 0x1000 && (half & 1) === 1) ? half + 1 : half;
  return sign | rounded; // a carry may round up to Inf (0x7c00), which is correct
}

/** The value of a binary16 bit pattern. */
export function float16BitsToFloat32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >>> 10) & 0x1f;
  const mant = bits & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** Encode values as packed binary16 (what a float16 logits buffer holds). */
export function toFloat16Array(values: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = float32ToFloat16Bits(values[i]);
  return out;
}

/** Decode packed binary16 values (e.g. to feed the float64 reference what the GPU actually sees). */
export function fromFloat16Array(bits: Uint16Array): Float64Array {
  const out = new Float64Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = float16BitsToFloat32(bits[i]);
  return out;
}
