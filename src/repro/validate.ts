// Input checks shared by the RePro math (repro-method.md §API: every function validates its input
// and throws a RangeError/TypeError naming the argument and index at fault).
import type { Span } from './types.ts';

/** J values are means of log-probabilities, so ≤ 0; allow this much float noise above 0. */
export const J_POSITIVE_TOLERANCE = 1e-6;

/** Throws TypeError unless `x` is array-like (an array or typed array). */
export function checkArrayLike(x: unknown, name: string): asserts x is ArrayLike<unknown> {
  if (
    x === null ||
    typeof x !== 'object' ||
    typeof (x as { length?: unknown }).length !== 'number' ||
    !Number.isInteger((x as { length: number }).length) ||
    (x as { length: number }).length < 0
  ) {
    throw new TypeError(`${name} must be an array of numbers (got ${describeValue(x)})`);
  }
}

/** Throws unless every element is a finite number. */
export function checkFiniteArray(x: unknown, name: string): asserts x is ArrayLike<number> {
  checkArrayLike(x, name);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (typeof v !== 'number') throw new TypeError(`${name}[${i}] must be a number (got ${describeValue(v)})`);
    if (!Number.isFinite(v)) throw new RangeError(`${name}[${i}] must be finite (got ${v})`);
  }
}

/**
 * A J trajectory (J_0, …, J_M): non-empty, finite, ≤ 0 up to float noise (repro-method.md §3).
 */
export function checkJ(J: unknown, name = 'J'): asserts J is ArrayLike<number> {
  checkFiniteArray(J, name);
  if (J.length === 0) throw new RangeError(`${name} must hold at least J_0 (got an empty array)`);
  for (let i = 0; i < J.length; i++) {
    if (J[i] > J_POSITIVE_TOLERANCE) {
      throw new RangeError(
        `${name}[${i}] = ${J[i]} is a mean log-probability and must be ≤ 0 (tolerance ${J_POSITIVE_TOLERANCE})`,
      );
    }
  }
}

/** ε of §4: a finite number > 0. */
export function checkEps(eps: unknown, name = 'eps'): asserts eps is number {
  if (typeof eps !== 'number' || !Number.isFinite(eps) || eps <= 0) {
    throw new RangeError(`${name} must be a finite number > 0 (got ${describeValue(eps)})`);
  }
}

/** w of §6: a number in [0, 1]. */
export function checkWeight(w: unknown, name = 'w'): asserts w is number {
  if (typeof w !== 'number' || !(w >= 0 && w <= 1)) {
    throw new RangeError(`${name} must be a number in [0, 1] (got ${describeValue(w)})`);
  }
}

/**
 * Segment spans of a text of length `textLength` (or of unknown length when undefined):
 * non-empty, integer, contiguous from 0 and, when the length is known, covering it exactly
 * (repro-method.md §2). Zero spans are allowed (an empty or whitespace-only CoT).
 */
export function checkSpans(spans: unknown, textLength?: number, name = 'spans'): asserts spans is Span[] {
  if (!Array.isArray(spans)) throw new TypeError(`${name} must be an array of {start, end} (got ${describeValue(spans)})`);
  let expectedStart = 0;
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i] as Partial<Span> | null;
    if (s === null || typeof s !== 'object' || !Number.isInteger(s.start) || !Number.isInteger(s.end)) {
      throw new TypeError(`${name}[${i}] must be {start, end} with integer offsets (got ${describeValue(s)})`);
    }
    if (s.start !== expectedStart) {
      throw new RangeError(
        `${name}[${i}].start = ${s.start} but spans must be contiguous from 0: expected ${expectedStart}`,
      );
    }
    if (s.end! <= s.start!) throw new RangeError(`${name}[${i}] is empty or reversed: [${s.start}, ${s.end})`);
    expectedStart = s.end!;
  }
  if (textLength !== undefined && spans.length > 0 && expectedStart !== textLength) {
    throw new RangeError(
      `${name}[${spans.length - 1}].end = ${expectedStart} but spans must cover the text (length ${textLength})`,
    );
  }
}

/** Short description of a bad value for error messages. */
export function describeValue(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return `array of length ${x.length}`;
  if (typeof x === 'string') return x.length > 40 ? `string "${x.slice(0, 40)}…"` : `string "${x}"`;
  if (typeof x === 'object') return 'object';
  return `${typeof x} ${String(x)}`;
}
