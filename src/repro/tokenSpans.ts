// Maps segment char spans to token ranges, repro-method.md §2 (last bullet).
import type { Span, TokenSpan } from './types.ts';
import { checkFiniteArray, checkSpans } from './validate.ts';

/**
 * Token range [start, end) of each segment. A token belongs to the segment in which its first
 * character lies, so a token straddling a boundary belongs to the earlier segment; a token that
 * starts at (or after) the end of the text belongs to the last segment. Segments may own zero
 * tokens. `tokenOffsets[t]` is the char offset where token t's text starts: non-decreasing
 * integers ≥ 0, not past the end of the last span. Zero spans (empty CoT) → [].
 */
export function tokenSpansFromOffsets(spans: Span[], tokenOffsets: ArrayLike<number>): TokenSpan[] {
  checkSpans(spans);
  checkFiniteArray(tokenOffsets, 'tokenOffsets');
  if (spans.length === 0) return [];
  const textEnd = spans[spans.length - 1].end;
  for (let t = 0; t < tokenOffsets.length; t++) {
    const o = tokenOffsets[t];
    if (!Number.isInteger(o) || o < 0) {
      throw new RangeError(`tokenOffsets[${t}] must be an integer ≥ 0 (got ${o})`);
    }
    if (t > 0 && o < tokenOffsets[t - 1]) {
      throw new RangeError(`tokenOffsets[${t}] = ${o} is below tokenOffsets[${t - 1}] = ${tokenOffsets[t - 1]}`);
    }
    if (o > textEnd) throw new RangeError(`tokenOffsets[${t}] = ${o} is past the end of the spans (${textEnd})`);
  }

  const out: TokenSpan[] = [];
  let t = 0;
  for (let s = 0; s < spans.length; s++) {
    const start = t;
    const last = s === spans.length - 1;
    while (t < tokenOffsets.length && (last || tokenOffsets[t] < spans[s].end)) t++;
    out.push({ start, end: t });
  }
  return out;
}
