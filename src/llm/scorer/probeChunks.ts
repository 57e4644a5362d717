// How the scorer splits its K + 1 batched probes into calls. A call's tiled cache is cut at its
// longest prefix, so every row attends over (and copies) that many positions: grouping probes of
// similar prefix length saves work, each extra call costs a model call. Pure; runs in Node.

export interface ProbeChunk {
  /** Rows start … end − 1 of the prefix list. */
  start: number;
  end: number;
  /** The longest prefix in the chunk: the cache positions its call keeps. */
  keep: number;
}

/**
 * Consecutive chunks of nondecreasing `prefixes` minimising Σ rows × keep (the key positions the
 * probes attend over), with at most `maxChunks` chunks — or the fewest that respect
 * `maxRows(keep)` (the memory bound of one call) when that is more.
 */
export function planProbeChunks(prefixes: number[], maxChunks: number, maxRows: (keep: number) => number): ProbeChunk[] {
  const n = prefixes.length;
  if (n === 0) return [];
  if (!Number.isInteger(maxChunks) || maxChunks < 1) throw new RangeError(`maxChunks must be a positive integer, got ${maxChunks}`);
  for (let i = 1; i < n; i++) {
    if (!(prefixes[i] >= prefixes[i - 1])) throw new RangeError('probe prefixes must be nondecreasing');
  }
  const rowsAt = prefixes.map((p) => Math.max(1, Math.floor(maxRows(p))));
  const fits = (i: number, j: number) => j - i <= rowsAt[j - 1]; // rows i … j − 1 in one call
  // The fewest chunks that fit: greedy from the end (the longest prefixes bind the hardest).
  let fewest = 0;
  for (let j = n; j > 0; fewest++) {
    let i = j - 1;
    while (i > 0 && fits(i - 1, j)) i--;
    j = i;
  }
  const C = Math.min(n, Math.max(maxChunks, fewest));
  // cost[c][j]: the least work for rows 0 … j − 1 in exactly c chunks; from[c][j] its last cut.
  const cost = Array.from({ length: C + 1 }, () => new Float64Array(n + 1).fill(Infinity));
  const from = Array.from({ length: C + 1 }, () => new Int32Array(n + 1).fill(-1));
  cost[0][0] = 0;
  for (let c = 1; c <= C; c++) {
    for (let j = 1; j <= n; j++) {
      for (let i = j - 1; i >= 0 && fits(i, j); i--) {
        const v = cost[c - 1][i] + (j - i) * prefixes[j - 1];
        if (v < cost[c][j]) {
          cost[c][j] = v;
          from[c][j] = i;
        }
      }
    }
  }
  let best = -1;
  for (let c = 1; c <= C; c++) if (cost[c][n] < Infinity && (best < 0 || cost[c][n] < cost[best][n])) best = c;
  if (best < 0) throw new Error('no probe chunking fits the memory bound'); // unreachable: one row always fits
  const chunks: ProbeChunk[] = [];
  for (let c = best, j = n; c > 0; c--) {
    const i = from[c][j];
    chunks.unshift({ start: i, end: j, keep: prefixes[j - 1] });
    j = i;
  }
  return chunks;
}
