// Series transforms of the training dashboard: TensorBoard's debiased EMA smoothing (the raw line
// stays, faint, behind it) and log-scale safety. Pure: runs in Node.

/**
 * TensorBoard-style smoothing with weight w ∈ [0, 1): s_t = w·s_{t−1} + (1 − w)·x_t, divided by
 * (1 − w^n) (n = points so far) so the start is not pulled toward 0. Gaps (null) stay gaps and
 * do not advance the average. w = 0 returns the values unchanged.
 */
export function emaSmooth(values: (number | null)[], weight: number): (number | null)[] {
  if (!(weight >= 0 && weight < 1)) throw new RangeError(`smoothing weight must be in [0, 1), got ${weight}`);
  let acc = 0;
  let n = 0;
  return values.map((x) => {
    if (x === null || !Number.isFinite(x)) return null;
    if (weight === 0) return x;
    acc = weight * acc + (1 - weight) * x;
    n++;
    return acc / (1 - weight ** n);
  });
}

/** For a log axis: values ≤ 0 cannot be drawn and become gaps. */
export function logSafe(values: (number | null)[]): (number | null)[] {
  return values.map((x) => (x !== null && x > 0 ? x : null));
}

/** Rows of one chart, with `${key}:smooth` beside every run's raw `key`. */
export function withSmoothed<R extends { step: number } & Record<string, number | null>>(
  rows: R[],
  keys: string[],
  weight: number,
  log: boolean,
): Record<string, number | null>[] {
  const out: Record<string, number | null>[] = rows.map((r) => ({ ...r }));
  for (const k of keys) {
    let raw = rows.map((r) => (r[k] ?? null) as number | null);
    if (log) raw = logSafe(raw);
    const sm = emaSmooth(raw, weight);
    out.forEach((r, i) => {
      r[k] = raw[i];
      r[`${k}:smooth`] = sm[i];
    });
  }
  return out;
}
