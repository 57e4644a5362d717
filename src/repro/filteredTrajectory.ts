// The trajectory of the kept segments, repro-method.md §7.
import { checkJ } from './validate.ts';

/**
 * (J_0, J_{k_1}, …, J_{k_M}) re-indexed 0 … M (repro-method.md §7). `J` is the full trajectory
 * J_0 … J_K; `keptSegments` are 0-based segment indices, strictly ascending, each < K. J is
 * measured at the *end* of a kept segment, so 0-based segment s maps to J[s + 1].
 */
export function filteredTrajectory(J: ArrayLike<number>, keptSegments: number[]): number[] {
  checkJ(J);
  if (!Array.isArray(keptSegments)) throw new TypeError('keptSegments must be an array of segment indices');
  const K = J.length - 1;
  const out = [J[0]];
  for (let j = 0; j < keptSegments.length; j++) {
    const s = keptSegments[j];
    if (!Number.isInteger(s) || s < 0 || s >= K) {
      throw new RangeError(`keptSegments[${j}] = ${s} must be an integer segment index in [0, ${K})`);
    }
    if (j > 0 && s <= keptSegments[j - 1]) {
      throw new RangeError(`keptSegments[${j}] = ${s} must be greater than keptSegments[${j - 1}] = ${keptSegments[j - 1]}`);
    }
    out.push(J[s + 1]);
  }
  return out;
}
