// Aligning the segments of two CoTs by their text (issue #17 §3): a longest-common-subsequence
// alignment over normalised segment texts, so a shared prefix, a shared suffix and common segments
// in the middle sit on one row and everything else is a gap on the other side. Pure.

/** One row of the alignment: a segment index of each side, or null where that side has a gap. */
export interface AlignedPair {
  a: number | null;
  b: number | null;
}

/** Above this many DP cells (after the shared prefix and suffix) the middle is left unaligned. */
export const MAX_LCS_CELLS = 4_000_000;

/** Segment text as compared: whitespace runs collapsed and trimmed (a delimiter's blank lines do not count). */
export function normalizeSegment(text: string): string {
  return text.replace(/\s+/gu, ' ').trim();
}

/**
 * Rows in order: matched pairs (equal normalised text) and gaps. Between two matches, A's
 * unmatched segments come first, then B's, so reading one column top to bottom gives that CoT.
 * `truncated` is true when the middle was too large for the LCS and was left as gaps.
 */
export function alignSegments(a: readonly string[], b: readonly string[]): { pairs: AlignedPair[]; truncated: boolean } {
  const na = a.map(normalizeSegment);
  const nb = b.map(normalizeSegment);
  let pre = 0;
  while (pre < na.length && pre < nb.length && na[pre] === nb[pre]) pre++;
  let suf = 0;
  while (suf < na.length - pre && suf < nb.length - pre && na[na.length - 1 - suf] === nb[nb.length - 1 - suf]) suf++;
  const pairs: AlignedPair[] = [];
  for (let i = 0; i < pre; i++) pairs.push({ a: i, b: i });
  const ma = na.slice(pre, na.length - suf);
  const mb = nb.slice(pre, nb.length - suf);
  const truncated = ma.length * mb.length > MAX_LCS_CELLS;
  const middle = truncated ? [] : lcsMatches(ma, mb);
  let i = 0;
  let j = 0;
  for (const [mi, mj] of [...middle, [ma.length, mb.length] as [number, number]]) {
    for (; i < mi; i++) pairs.push({ a: pre + i, b: null });
    for (; j < mj; j++) pairs.push({ a: null, b: pre + j });
    if (mi < ma.length) pairs.push({ a: pre + mi, b: pre + mj });
    i = mi + 1;
    j = mj + 1;
  }
  for (let s = 0; s < suf; s++) pairs.push({ a: na.length - suf + s, b: nb.length - suf + s });
  return { pairs, truncated };
}

/** Matched index pairs of one longest common subsequence, ascending (ties: the earliest in A). */
function lcsMatches(a: readonly string[], b: readonly string[]): [number, number][] {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) return [];
  // L[i][j] = LCS length of a[i:], b[j:] — suffix form, so the walk below goes forwards.
  const L = new Uint32Array((n + 1) * (m + 1));
  const at = (i: number, j: number) => i * (m + 1) + j;
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      L[at(i, j)] = a[i] === b[j] ? L[at(i + 1, j + 1)] + 1 : Math.max(L[at(i + 1, j)], L[at(i, j + 1)]);
    }
  }
  const out: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push([i, j]);
      i++;
      j++;
    } else if (L[at(i + 1, j)] >= L[at(i, j + 1)]) i++;
    else j++;
  }
  return out;
}
