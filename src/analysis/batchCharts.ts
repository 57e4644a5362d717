// What the batch charts draw, from the table's rows and the worker's results. Rows the model
// cannot represent that were scored anyway (RowScoring 'scored-anyway') never enter the plain
// series: they are drawn as their own series, named ⚠, so no number of theirs reaches a chart
// unmarked. Pure: runs in Node.
import { meanJByPosition, type BatchItemResult, type BatchRow } from './batchRows.ts';

export interface SplitBin {
  x: number;
  label: string;
  /** Rows the model can represent. */
  count: number;
  /** Scored-anyway rows (⚠). */
  flagged: number;
}

export interface MeanJPoint {
  p: number;
  all: number | null;
  correct: number | null;
  wrong: number | null;
  /** Mean over the scored-anyway rows (⚠). */
  flagged: number | null;
}

export interface GroupBar {
  group: string;
  cotTokens: number;
  backtracking: number;
  tokensAfterCertainty: number;
}

export interface BatchChartData {
  lengths: SplitBin[];
  backtracking: SplitBin[];
  meanJ: MeanJPoint[];
  /** Correct vs wrong means, over representable rows only. */
  groups: GroupBar[];
  anyCorrectness: boolean;
  /** Rows with numbers the model can represent. */
  scored: number;
  /** Rows scored although the model cannot represent them (drawn as ⚠ series). */
  flagged: number;
  /** Rows not scored because the model cannot represent them (in no chart). */
  notScored: number;
}

/**
 * Histogram of two groups over one set of integer-aligned bins (the range of both together, at
 * most maxBins bins): each bin counts the representable values and the flagged ones apart.
 */
export function splitHistogram(values: number[], flaggedValues: number[], maxBins = 20): SplitBin[] {
  const every = values.concat(flaggedValues);
  if (every.length === 0) return [];
  const lo = Math.min(...every);
  const hi = Math.max(...every);
  const width = Math.max(1, Math.ceil((hi - lo + 1) / maxBins));
  const n = Math.floor((hi - lo) / width) + 1;
  const bins: SplitBin[] = Array.from({ length: n }, (_, b) => {
    const x = lo + b * width;
    return { x, label: width === 1 ? String(x) : `${x}–${x + width - 1}`, count: 0, flagged: 0 };
  });
  for (const v of values) bins[Math.floor((v - lo) / width)].count++;
  for (const v of flaggedValues) bins[Math.floor((v - lo) / width)].flagged++;
  return bins;
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

export function batchChartData(rows: BatchRow[], results: BatchItemResult[]): BatchChartData {
  const ok = rows.filter((r) => r.scoring === 'scored' && r.cotTokens !== null);
  const anyway = rows.filter((r) => r.scoring === 'scored-anyway' && r.cotTokens !== null);
  const J = (rs: BatchRow[]) => rs.map((r) => results[r.index]?.trajectory?.J).filter((j): j is number[] => j !== undefined);
  const all = meanJByPosition(J(ok));
  const right = meanJByPosition(J(ok.filter((r) => r.correct === true)));
  const wrong = meanJByPosition(J(ok.filter((r) => r.correct === false)));
  const flagged = meanJByPosition(J(anyway));
  const groups = (['correct', 'wrong'] as const).map((g) => {
    const rs = ok.filter((r) => r.correct === (g === 'correct'));
    return {
      group: `${g} (${rs.length})`,
      cotTokens: mean(rs.map((r) => r.cotTokens!)),
      backtracking: mean(rs.map((r) => r.backtracking!)),
      tokensAfterCertainty: mean(rs.map((r) => r.tokensAfterCertainty!)),
    };
  });
  return {
    lengths: splitHistogram(ok.map((r) => r.cotTokens!), anyway.map((r) => r.cotTokens!)),
    backtracking: splitHistogram(ok.map((r) => r.backtracking!), anyway.map((r) => r.backtracking!)),
    meanJ: all.map((pt, i) => ({ p: pt.p, all: pt.meanJ, correct: right[i].meanJ, wrong: wrong[i].meanJ, flagged: flagged[i].meanJ })),
    groups,
    anyCorrectness: ok.some((r) => r.correct !== null),
    scored: ok.length,
    flagged: anyway.length,
    notScored: rows.filter((r) => r.scoring === 'not-scored').length,
  };
}
