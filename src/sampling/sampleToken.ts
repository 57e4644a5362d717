// The one sampler: the toy engine's CPU reference and WebGPU engine and every LanguageModel's
// generate call it on a logits row read back to the CPU. Pure: no DOM, no WebGPU.
//
// Order of operations (as Hugging Face's logits processors): temperature → top-k → top-p → draw.
// - temperature 0 = greedy: the argmax (ties → the lowest token id); no random number is drawn.
// - Otherwise exactly ONE uniform is drawn per call, so the random stream depends only on how many
//   tokens were sampled, never on top-k / top-p.
// - Candidates are ranked by logit, descending; equal logits rank by token id, ascending. top-k keeps
//   the first k of that ranking (so a tie at the cut keeps the lower ids); topK 0 = off.
// - top-p keeps the shortest prefix of the ranking whose probability (after temperature and top-k,
//   renormalised) reaches topP; at least one token is always kept; topP 1 = off.
// - The draw walks the kept candidates in ranking order and returns the first whose cumulative
//   probability exceeds u · (kept mass).
// - -Infinity logits are masked tokens (never drawn); NaN or +Infinity is an error.
import type { UniformSource } from './rng.ts';
import type { SamplingOptions } from './options.ts';

/** What one draw reads of the options. */
export type DrawOptions = Pick<SamplingOptions, 'temperature' | 'topK' | 'topP'>;

export function sampleToken(
  logitsRow: ArrayLike<number>,
  opts: DrawOptions,
  rng: UniformSource,
): number {
  const best = validateRow(logitsRow);
  checkDrawOptions(opts);
  if (opts.temperature === 0) return best;
  const u = rng.uniform();

  const order: number[] = [];
  for (let i = 0; i < logitsRow.length; i++) if (logitsRow[i] !== -Infinity) order.push(i);
  order.sort((a, b) => logitsRow[b] - logitsRow[a] || a - b);
  const k = opts.topK > 0 ? Math.min(opts.topK, order.length) : order.length;

  const maxLogit = logitsRow[order[0]];
  const weights = new Float64Array(k);
  let total = 0;
  for (let j = 0; j < k; j++) {
    weights[j] = Math.exp((logitsRow[order[j]] - maxLogit) / opts.temperature);
    total += weights[j];
  }

  let kept = k;
  if (opts.topP < 1) {
    let cum = 0;
    for (let j = 0; j < k; j++) {
      cum += weights[j];
      if (cum / total >= opts.topP) { kept = j + 1; break; }
    }
  }
  let keptMass = 0;
  for (let j = 0; j < kept; j++) keptMass += weights[j];

  const target = u * keptMass;
  let cum = 0;
  for (let j = 0; j < kept; j++) {
    cum += weights[j];
    if (target < cum) return order[j];
  }
  return order[kept - 1]; // u·mass rounded up to the total
}

/** Entropy (nats) of softmax(logitsRow) at temperature 1; -Infinity entries have zero mass. */
export function rowEntropy(logitsRow: ArrayLike<number>): number {
  const best = validateRow(logitsRow);
  const m = logitsRow[best];
  let z = 0;
  let s = 0; // Σ e^(l-m) · (l-m)
  for (let i = 0; i < logitsRow.length; i++) {
    const d = logitsRow[i] - m;
    if (d === -Infinity) continue;
    const e = Math.exp(d);
    z += e;
    s += e * d;
  }
  return Math.log(z) - s / z;
}

/** log Σ exp(logitsRow), max-subtracted. */
export function logSumExp(logitsRow: ArrayLike<number>): number {
  const best = validateRow(logitsRow);
  const m = logitsRow[best];
  let z = 0;
  for (let i = 0; i < logitsRow.length; i++) z += Math.exp(logitsRow[i] - m);
  return m + Math.log(z);
}

/** The greedy choice: the first maximum (−Infinity = masked; NaN or +Infinity is an error). */
export function argmax(logitsRow: ArrayLike<number>): number {
  return validateRow(logitsRow);
}

/** Checks the row and returns its argmax (ties → lowest index). */
function validateRow(row: ArrayLike<number>): number {
  if (row.length === 0) throw new RangeError('logitsRow must not be empty');
  let best = -1;
  for (let i = 0; i < row.length; i++) {
    const x = row[i];
    if (Number.isNaN(x) || x === Infinity) throw new RangeError(`logitsRow[${i}] is ${x}`);
    if (x !== -Infinity && (best < 0 || x > row[best])) best = i;
  }
  if (best < 0) throw new RangeError('logitsRow is -Infinity everywhere: no token can be drawn');
  return best;
}

/** The options' checks sampleToken makes on every call (the GPU sampler makes them too). */
export function checkDrawOptions(o: DrawOptions): void {
  if (!Number.isFinite(o.temperature) || o.temperature < 0) {
    throw new RangeError(`temperature must be a finite number >= 0, got ${o.temperature}`);
  }
  if (!Number.isInteger(o.topK) || o.topK < 0) throw new RangeError(`topK must be an integer >= 0, got ${o.topK}`);
  if (!(o.topP > 0 && o.topP <= 1)) throw new RangeError(`topP must be in (0, 1], got ${o.topP}`);
}
