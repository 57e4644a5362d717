// Splits a chain of thought into contiguous segments ("logical paragraphs"), repro-method.md §2.
import type { Span } from './types.ts';
import { describeValue } from './validate.ts';

/** The default delimiter: a run of one or more blank lines (repro-method.md §2). */
export const DEFAULT_DELIMITER = /\r?\n(?:[ \t]*\r?\n)+/;

const WHITESPACE_ONLY = /^\s*$/;

/**
 * Segment char spans [start, end) covering `cot` exactly (repro-method.md §2):
 * - each delimiter belongs to the segment before it; leading delimiters to the first segment;
 * - a piece whose text (before its own delimiter) is only whitespace is merged into the segment
 *   before it, or into the next one when it comes first;
 * - an empty or whitespace-only CoT has zero segments; a CoT with no delimiter is one segment.
 * A RegExp delimiter is used through a private copy, so its flags (g, y) and lastIndex never
 * matter; a zero-width match (e.g. a lookahead) is a boundary too.
 */
export function segmentCot(cot: string, opts: { delimiter?: string | RegExp } = {}): Span[] {
  if (typeof cot !== 'string') throw new TypeError(`cot must be a string (got ${describeValue(cot)})`);
  const delimiter = opts.delimiter ?? DEFAULT_DELIMITER;
  if (WHITESPACE_ONLY.test(cot)) return [];

  // Pieces: [pieceStart, delimiterStart) is the content, [delimiterStart, pieceEnd) the delimiter.
  const spans: Span[] = [];
  let pendingStart = -1; // start of leading whitespace-only pieces waiting for the next real one
  let pieceStart = 0;
  const addPiece = (delimiterStart: number, pieceEnd: number) => {
    if (pieceEnd <= pieceStart) return;
    const blank = WHITESPACE_ONLY.test(cot.slice(pieceStart, delimiterStart));
    if (blank && spans.length > 0) {
      spans[spans.length - 1].end = pieceEnd;
    } else if (blank) {
      if (pendingStart < 0) pendingStart = pieceStart;
    } else {
      spans.push({ start: pendingStart >= 0 ? pendingStart : pieceStart, end: pieceEnd });
      pendingStart = -1;
    }
    pieceStart = pieceEnd;
  };

  for (const [matchStart, matchEnd] of delimiterMatches(cot, delimiter)) addPiece(matchStart, matchEnd);
  addPiece(cot.length, cot.length);
  // Only delimiters and whitespace (e.g. "---" with delimiter "---"): one segment.
  if (spans.length === 0) return [{ start: 0, end: cot.length }];
  return spans;
}

/** [start, end) of every delimiter occurrence, left to right, non-overlapping. */
function* delimiterMatches(text: string, delimiter: string | RegExp): Generator<[number, number]> {
  if (typeof delimiter === 'string') {
    if (delimiter.length === 0) throw new RangeError('opts.delimiter must not be an empty string');
    for (let at = text.indexOf(delimiter); at >= 0; at = text.indexOf(delimiter, at + delimiter.length)) {
      yield [at, at + delimiter.length];
    }
    return;
  }
  if (!(delimiter instanceof RegExp)) {
    throw new TypeError(`opts.delimiter must be a string or a RegExp (got ${describeValue(delimiter)})`);
  }
  // A private global copy: the caller's lastIndex / sticky flag cannot skip matches.
  const re = new RegExp(delimiter.source, delimiter.flags.replace(/[gy]/g, '') + 'g');
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const end = m.index + m[0].length;
    if (m[0].length === 0) {
      // Zero-width boundary; step past it so the loop always advances.
      if (m.index > 0 && m.index < text.length) yield [m.index, end];
      re.lastIndex = m.index + 1;
      if (re.lastIndex > text.length) break;
    } else {
      yield [m.index, end];
    }
  }
}
