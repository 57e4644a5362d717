// Consistency checks of a scored Trajectory (repro-method.md §2, §3, §7) before metrics read it.
import type { Trajectory } from './types.ts';
import { checkFiniteArray, checkJ, checkSpans, describeValue } from './validate.ts';

/**
 * Throws a TypeError/RangeError naming the field (and index) at fault unless `t` is a full
 * trajectory: segments cover the CoT, J holds J_0 … J_K, one token span per segment, contiguous
 * over the CoT tokens, and per-token/per-segment arrays of matching lengths.
 */
export function checkTrajectory(t: Trajectory, name = 'trajectory'): void {
  if (t === null || typeof t !== 'object') throw new TypeError(`${name} must be an object (got ${describeValue(t)})`);
  if (typeof t.cot !== 'string') throw new TypeError(`${name}.cot must be a string (got ${describeValue(t.cot)})`);
  checkSpans(t.segments, t.cot.length, `${name}.segments`);
  const K = t.segments.length;
  checkJ(t.J, `${name}.J`);
  if (t.J.length !== K + 1) {
    throw new RangeError(`${name}.J has ${t.J.length} values but ${K} segments need J_0 … J_${K} (${K + 1} values)`);
  }
  checkFiniteArray(t.cotTokens, `${name}.cotTokens`);
  const n = t.cotTokens.length;
  if (!Array.isArray(t.tokenSpans)) throw new TypeError(`${name}.tokenSpans must be an array`);
  if (t.tokenSpans.length !== K) {
    throw new RangeError(`${name}.tokenSpans has ${t.tokenSpans.length} entries but there are ${K} segments`);
  }
  let expected = 0;
  for (let s = 0; s < K; s++) {
    const span = t.tokenSpans[s];
    if (span === null || typeof span !== 'object' || !Number.isInteger(span.start) || !Number.isInteger(span.end)) {
      throw new TypeError(`${name}.tokenSpans[${s}] must be {start, end} with integer token indices`);
    }
    if (span.start !== expected || span.end < span.start) {
      throw new RangeError(
        `${name}.tokenSpans[${s}] = [${span.start}, ${span.end}) must be contiguous from token 0 (expected start ${expected})`,
      );
    }
    expected = span.end;
  }
  if (K > 0 && expected !== n) {
    throw new RangeError(`${name}.tokenSpans[${K - 1}].end = ${expected} but there are ${n} CoT tokens`);
  }
}
