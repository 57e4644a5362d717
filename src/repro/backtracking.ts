// Backtracking segments, repro-method.md §10.
import type { Span } from './types.ts';
import { checkSpans, describeValue } from './validate.ts';

/** Default markers of repro-method.md §10. */
export const DEFAULT_BACKTRACKING_MARKERS: readonly string[] = [
  'wait',
  'but wait',
  'hmm',
  'alternatively',
  'actually',
  'let me re-check',
  'let me check',
  'let me verify',
  'double-check',
  'on second thought',
  'no,',
];

const LEADING_JUNK = /^[\s\p{P}\p{S}]+/u;
const WHITESPACE_RUN = /\s+/gu;
const LEADING_JUNK_AT = /[\s\p{P}\p{S}]*/uy;
/** Chars after the leading junk that are normalised and compared with the markers. */
const OPENING_WINDOW = 1024;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/** Strip leading whitespace/punctuation/symbols, collapse whitespace runs, lower-case. */
function normalizeOpening(text: string): string {
  return text.replace(LEADING_JUNK, '').replace(WHITESPACE_RUN, ' ').toLowerCase();
}

/**
 * 0-based indices of the segments that open with a backtracking marker (repro-method.md §10):
 * after stripping leading whitespace, punctuation and symbols and collapsing whitespace runs to
 * one space, the text begins with a marker, case-insensitively, as a whole word (the character
 * after the marker, if any, is not a letter or digit: "Wait," matches, "Waiting" does not).
 * Markers are normalised the same way, so " But  Wait" and "but wait" are the same marker.
 */
export function findBacktracking(cot: string, spans: Span[], opts: { markers?: readonly string[] } = {}): number[] {
  if (typeof cot !== 'string') throw new TypeError(`cot must be a string (got ${describeValue(cot)})`);
  checkSpans(spans, cot.length);
  const markers = normalizeMarkers(opts.markers ?? DEFAULT_BACKTRACKING_MARKERS);
  const out: number[] = [];
  for (let s = 0; s < spans.length; s++) {
    // Only the opening matters: skip the leading junk in place, then normalise a bounded window
    // so a huge segment costs no more than a small one.
    LEADING_JUNK_AT.lastIndex = spans[s].start;
    LEADING_JUNK_AT.exec(cot);
    const from = Math.min(LEADING_JUNK_AT.lastIndex, spans[s].end);
    const text = normalizeOpening(cot.slice(from, Math.min(spans[s].end, from + OPENING_WINDOW)));
    if (markers.some((m) => opensWith(text, m))) out.push(s);
  }
  return out;
}

function opensWith(text: string, marker: string): boolean {
  if (!text.startsWith(marker)) return false;
  // The whole code point after the marker: charAt would give a lone surrogate of an astral letter (𝔸).
  const cp = text.codePointAt(marker.length);
  return cp === undefined || !LETTER_OR_DIGIT.test(String.fromCodePoint(cp));
}

function normalizeMarkers(markers: readonly string[]): string[] {
  if (!Array.isArray(markers)) throw new TypeError(`opts.markers must be an array of strings (got ${describeValue(markers)})`);
  return markers.map((m, i) => {
    if (typeof m !== 'string') throw new TypeError(`opts.markers[${i}] must be a string (got ${describeValue(m)})`);
    const n = normalizeOpening(m).trimEnd();
    if (n.length === 0) throw new RangeError(`opts.markers[${i}] is empty after normalisation (got "${m}")`);
    return n;
  });
}
