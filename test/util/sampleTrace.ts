// Float64 trace of one sampleToken draw with a given uniform: the id, and how far each
// threshold decision lay from flipping — what a float32 implementation (the GPU sampler) may
// legitimately decide otherwise. Written as the textbook definition (full sort of the row,
// explicit prefix sums), separately from src/sampling/sampleToken.ts; test/unit/sampling/
// sampleTrace.test.ts holds the two equal.
import type { DrawOptions } from '../../src/sampling/sampleToken.ts';

export interface SampleTrace {
  id: number;
  /** candidates kept after top-k and top-p */
  kept: number;
  /**
   * top-p: min(C(kept) − topP, topP − C(kept − 1)), C(n) = mass of the first n ranked / top-k mass;
   * Infinity when top-p is off or cannot move (one candidate).
   */
  topPMargin: number;
  /** the draw: min(cum(n) − target, target − cum(n − 1)) / kept mass for the chosen n; Infinity at temperature 0 */
  drawMargin: number;
}

export function sampleTrace(row: ArrayLike<number>, opts: DrawOptions, u: number): SampleTrace {
  const ids = Array.from({ length: row.length }, (_, i) => i).filter((i) => row[i] !== -Infinity);
  // ranking: logit descending, ties by id ascending
  ids.sort((a, b) => (row[a] === row[b] ? a - b : row[b] > row[a] ? 1 : -1));
  if (opts.temperature === 0) return { id: ids[0], kept: 1, topPMargin: Infinity, drawMargin: Infinity };
  const k = opts.topK > 0 ? Math.min(opts.topK, ids.length) : ids.length;
  const w = ids.slice(0, k).map((i) => Math.exp((row[i] - row[ids[0]]) / opts.temperature));
  const prefix = [0];
  for (const x of w) prefix.push(prefix[prefix.length - 1] + x);
  const total = prefix[k];

  let kept = k;
  let topPMargin = Infinity;
  if (opts.topP < 1) {
    kept = 1;
    while (kept < k && prefix[kept] / total < opts.topP) kept++;
    if (k > 1) {
      const above = prefix[kept] / total - opts.topP;
      const below = kept > 1 ? opts.topP - prefix[kept - 1] / total : Infinity;
      topPMargin = Math.min(Math.abs(above), below);
    }
  }
  const mass = prefix[kept];
  const target = u * mass;
  let n = 1;
  while (n < kept && !(target < prefix[n])) n++;
  const drawMargin = Math.min(Math.abs(prefix[n] - target), n > 1 ? target - prefix[n - 1] : Infinity) / mass;
  return { id: ids[n - 1], kept, topPMargin, drawMargin };
}
