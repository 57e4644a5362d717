// Statistics of the experiment's seed-paired comparison (pure; no DOM, no GPU): mean, sample std,
// Student's t quantiles, and the paired difference with its two-sided t confidence interval.
// The seeds pair the runs: RePro and outcome-only of one seed start from the same weights and
// draw the same prompts first, so the per-seed difference removes the seed's own luck.

export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Sample standard deviation (n − 1); NaN for fewer than two values. */
export function sampleStd(xs: readonly number[]): number {
  if (xs.length < 2) return NaN;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; ~1e-15 relative). */
function lnGamma(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  x -= 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the incomplete beta function (modified Lentz). */
function betaCf(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d; if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c; if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d; h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d; if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c; if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** Regularised incomplete beta I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (front * betaCf(a, b, x)) / a : 1 - (front * betaCf(b, a, 1 - x)) / b;
}

/** P(T ≤ t) for Student's t with df degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** The p-quantile of Student's t (0 < p < 1), by bisection on the CDF. */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`studentTQuantile: p must be in (0, 1), got ${p}`);
  if (!(df > 0)) throw new RangeError(`studentTQuantile: df must be > 0, got ${df}`);
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, hi); i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid; else hi = mid;
  }
  return (lo + hi) / 2;
}

export interface PairedDiff {
  /** pairs used (seeds present in both) */
  n: number;
  /** mean of b_i − a_i */
  mean: number;
  /** sample std of the differences */
  std: number;
  /** two-sided confidence interval of the mean difference (t with n − 1 df); NaN for n < 2 */
  lo: number;
  hi: number;
  level: number;
}

/** Mean of b − a over pairs, with its t confidence interval (default 95 %). */
export function pairedDifference(a: readonly number[], b: readonly number[], level = 0.95): PairedDiff {
  if (a.length !== b.length) throw new RangeError(`pairedDifference: ${a.length} vs ${b.length} values (pairs needed)`);
  if (!(level > 0 && level < 1)) throw new RangeError(`pairedDifference: level must be in (0, 1), got ${level}`);
  const d = a.map((x, i) => b[i] - x);
  const m = mean(d);
  const s = sampleStd(d);
  const n = d.length;
  const half = n >= 2 ? studentTQuantile(1 - (1 - level) / 2, n - 1) * (s / Math.sqrt(n)) : NaN;
  return { n, mean: m, std: s, lo: m - half, hi: m + half, level };
}

export interface RelativeChange {
  /** pairs used */
  n: number;
  /** mean(b) / mean(a) − 1 */
  rel: number;
  /** two-sided confidence interval of rel (delta method, t with n − 1 df); NaN for n < 2 or mean(a) = 0 */
  lo: number;
  hi: number;
  level: number;
}

/**
 * The relative change mean(b)/mean(a) − 1 of paired values with a delta-method interval: for the
 * ratio R = b̄/ā, Var(R̂) ≈ Var(b̄ − R·ā)/ā² = s_d² / (n·ā²) with d_i = b_i − R·a_i (the ratio
 * estimator's linearisation; the pairing enters through cov(a, b)), t quantile with n − 1 df.
 */
export function relativeChange(a: readonly number[], b: readonly number[], level = 0.95): RelativeChange {
  if (a.length !== b.length) throw new RangeError(`relativeChange: ${a.length} vs ${b.length} values (pairs needed)`);
  if (!(level > 0 && level < 1)) throw new RangeError(`relativeChange: level must be in (0, 1), got ${level}`);
  const n = a.length;
  const ma = mean(a);
  const R = mean(b) / ma;
  const sd = sampleStd(a.map((x, i) => b[i] - R * x));
  const half = n >= 2 && ma !== 0 ? studentTQuantile(1 - (1 - level) / 2, n - 1) * sd / (Math.sqrt(n) * Math.abs(ma)) : NaN;
  return { n, rel: R - 1, lo: R - 1 - half, hi: R - 1 + half, level };
}
