// Whitening over the whole batch: every token of every response (repro-method.md §11, verl
// masked_whiten with shift_mean): (x − mean) / sqrt(var + 1e-8), var Bessel-corrected. Pure.
// All-equal values (or fewer than two tokens) have zero variance by definition and give 0 exactly,
// never NaN and never the float noise of x − mean(x).

export const WHITEN_EPS = 1e-8;

export function whitenBatch(values: ArrayLike<number>[], name = 'values'): Float64Array[] {
  let N = 0;
  let sum = 0;
  let first: number | null = null;
  let allEqual = true;
  values.forEach((row, i) => {
    for (let t = 0; t < row.length; t++) {
      const x = row[t];
      if (typeof x !== 'number' || !Number.isFinite(x)) throw new RangeError(`${name}[${i}][${t}] must be a finite number (got ${String(x)})`);
      if (first === null) first = x;
      else if (x !== first) allEqual = false;
      sum += x;
      N++;
    }
  });
  const out = values.map((row) => new Float64Array(row.length));
  if (N < 2 || allEqual) return out;
  const mean = sum / N;
  let ss = 0;
  for (const row of values) for (let t = 0; t < row.length; t++) ss += (row[t] - mean) ** 2;
  const scale = 1 / Math.sqrt(ss / (N - 1) + WHITEN_EPS);
  values.forEach((row, i) => {
    for (let t = 0; t < row.length; t++) out[i][t] = (row[t] - mean) * scale;
  });
  return out;
}

/** Bessel-corrected variance over all tokens; 0 below two tokens. */
export function batchVariance(values: ArrayLike<number>[]): number {
  let N = 0;
  let sum = 0;
  for (const row of values) for (let t = 0; t < row.length; t++) { sum += row[t]; N++; }
  if (N < 2) return 0;
  const mean = sum / N;
  let ss = 0;
  for (const row of values) for (let t = 0; t < row.length; t++) ss += (row[t] - mean) ** 2;
  return ss / (N - 1);
}

/** verl's critic/vf_explained_var: 1 − var(returns − values) / (var(returns) + 1e-5). */
export function explainedVariance(returns: ArrayLike<number>[], values: ArrayLike<number>[]): number {
  if (returns.length !== values.length) throw new RangeError(`returns (${returns.length}) and values (${values.length}) must have one row per response`);
  const diff = returns.map((r, i) => {
    if (values[i].length !== r.length) throw new RangeError(`values[${i}] has ${values[i].length} entries, returns[${i}] has ${r.length}`);
    return Float64Array.from(r, (x, t) => x - values[i][t]);
  });
  return 1 - batchVariance(diff) / (batchVariance(returns) + 1e-5);
}
