// Outcome and process advantages of one GRPO group, repro-method.md §9. Pure.
//
// "std" is the Bessel-corrected sample standard deviation, as torch.std in TRL's and verl's GRPO.
// A group whose values are all equal (or has a single value) has zero variance by definition and
// gets advantage 0 exactly: never NaN, never float noise from (x − mean(x)).

/** ε of §9 when the caller gives none. */
export const DEFAULT_ADVANTAGE_EPS = 1e-6;

/** (x_i − mean) / (std + ε) over all of `values`; zero variance → all 0. */
export function groupNormalize(values: ArrayLike<number>, eps = DEFAULT_ADVANTAGE_EPS, name = 'values'): number[] {
  checkEps(eps);
  const n = values.length;
  for (let i = 0; i < n; i++) {
    if (typeof values[i] !== 'number' || !Number.isFinite(values[i])) {
      throw new RangeError(`${name}[${i}] must be a finite number (got ${String(values[i])})`);
    }
  }
  const out = new Array<number>(n).fill(0);
  if (n < 2) return out;
  let allEqual = true;
  for (let i = 1; i < n; i++) if (values[i] !== values[0]) allEqual = false;
  if (allEqual) return out;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i];
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i] - mean) ** 2;
  const std = Math.sqrt(ss / (n - 1));
  for (let i = 0; i < n; i++) out[i] = (values[i] - mean) / (std + eps);
  return out;
}

/** A^out_i = (R_i − mean(R)) / (std(R) + ε) for one group of G rewards (repro-method.md §9). */
export function outcomeAdvantages(rewards: ArrayLike<number>, eps = DEFAULT_ADVANTAGE_EPS): number[] {
  return groupNormalize(rewards, eps, 'rewards');
}

/**
 * r̃_{i,j}: the process rewards of a group normalised over ALL of them, every j of every i
 * (repro-method.md §9). `rewards[i]` holds response i's r_{i,1…M_i} (possibly empty).
 */
export function normalizeProcessRewards(rewards: ArrayLike<number>[], eps = DEFAULT_ADVANTAGE_EPS): number[][] {
  if (!Array.isArray(rewards)) throw new TypeError('processRewards must be an array of arrays (one per response)');
  const flat: number[] = [];
  rewards.forEach((r, i) => {
    if (r === null || typeof r !== 'object' || typeof r.length !== 'number') {
      throw new TypeError(`processRewards[${i}] must be an array of numbers`);
    }
    for (let j = 0; j < r.length; j++) {
      if (typeof r[j] !== 'number' || !Number.isFinite(r[j])) {
        throw new RangeError(`processRewards[${i}][${j}] must be a finite number (got ${String(r[j])})`);
      }
      flat.push(r[j]);
    }
  });
  const norm = groupNormalize(flat, eps, 'processRewards(flattened)');
  const out: number[][] = [];
  let at = 0;
  for (const r of rewards) {
    out.push(norm.slice(at, at + r.length));
    at += r.length;
  }
  return out;
}

/**
 * Return-to-go process advantage of each of `length` tokens of one response (repro-method.md §9):
 * A^proc_t = Σ_{j : end(k_j) ≥ t} r̃_j, where end(k_j) is the LAST token index of the j-th kept
 * segment, given here as `segmentEnds[j]` = its exclusive token end (so end(k_j) = segmentEnds[j] − 1
 * and the sum runs over j with t < segmentEnds[j]). Tokens after the last kept segment get 0.
 */
export function processAdvantages(
  normalizedRewards: ArrayLike<number>,
  segmentEnds: ArrayLike<number>,
  length: number,
): Float64Array {
  if (!Number.isInteger(length) || length < 0) throw new RangeError(`length must be an integer ≥ 0 (got ${length})`);
  if (normalizedRewards.length !== segmentEnds.length) {
    throw new RangeError(
      `normalizedRewards (${normalizedRewards.length}) and segmentEnds (${segmentEnds.length}) must have the same length`,
    );
  }
  for (let j = 0; j < segmentEnds.length; j++) {
    const e = segmentEnds[j];
    if (!Number.isInteger(e) || e < 1 || e > length) {
      throw new RangeError(`segmentEnds[${j}] must be an integer in [1, ${length}] (got ${e})`);
    }
    if (j > 0 && e <= segmentEnds[j - 1]) {
      throw new RangeError(`segmentEnds[${j}] = ${e} must be greater than segmentEnds[${j - 1}] = ${segmentEnds[j - 1]}`);
    }
    if (!Number.isFinite(normalizedRewards[j])) {
      throw new RangeError(`normalizedRewards[${j}] must be finite (got ${normalizedRewards[j]})`);
    }
  }
  const out = new Float64Array(length);
  // Suffix sums: walk segments from the last one back, adding each reward to every token before its end.
  let acc = 0;
  let t = length - 1;
  for (let j = segmentEnds.length - 1; j >= 0; j--) {
    for (; t >= segmentEnds[j]; t--) out[t] = acc;
    acc += normalizedRewards[j];
  }
  for (; t >= 0; t--) out[t] = acc;
  return out;
}

/** A_{i,t} = A^out_i + α · A^proc_{i,t} for one response (repro-method.md §9). α = 0 → exactly A^out_i. */
export function combineAdvantages(outcome: number, processAdv: ArrayLike<number>, alpha: number): Float64Array {
  if (!Number.isFinite(outcome)) throw new RangeError(`outcome advantage must be finite (got ${outcome})`);
  if (!(alpha >= 0) || !Number.isFinite(alpha)) throw new RangeError(`alpha must be a finite number ≥ 0 (got ${alpha})`);
  const out = new Float64Array(processAdv.length);
  for (let t = 0; t < out.length; t++) out[t] = alpha === 0 ? outcome : outcome + alpha * processAdv[t];
  return out;
}

function checkEps(eps: number): void {
  if (typeof eps !== 'number' || !Number.isFinite(eps) || eps <= 0) {
    throw new RangeError(`eps must be a finite number > 0 (got ${String(eps)})`);
  }
}
