// The batch charts never draw a number of a row the model cannot represent in a plain series:
// scored-anyway rows are their own ⚠ series, not-scored rows are in no chart.
import { describe, expect, test } from 'vitest';
import { batchChartData, splitHistogram } from '../../../src/analysis/batchCharts.ts';
import type { BatchItemResult, BatchRow } from '../../../src/analysis/batchRows.ts';

function row(index: number, patch: Partial<BatchRow>): BatchRow {
  return {
    index, id: `r${index}`, line: index + 1, question: `q${index}`, answer: 'a', modelAnswer: '', correct: null, error: null,
    cotTokens: null, segments: null, backtracking: null, tokensAfterCertainty: null, plateaus: null, finalScore: null, J0: null, JK: null, ms: 0, flag: '', scoring: 'scored',
    ...patch,
  };
}
function result(J: number[] | null): BatchItemResult {
  const trajectory = J === null ? null : ({ J } as unknown as NonNullable<BatchItemResult['trajectory']>);
  return { id: 'x', line: 1, question: 'q', answer: 'a', correct: null, modelAnswer: '', generated: false, trajectory, error: null, ms: 0 };
}

describe('batch chart data', () => {
  test('split histogram: one set of bins over both groups, counted apart', () => {
    expect(splitHistogram([1, 2, 2], [4])).toEqual([
      { x: 1, label: '1', count: 1, flagged: 0 },
      { x: 2, label: '2', count: 2, flagged: 0 },
      { x: 3, label: '3', count: 0, flagged: 0 },
      { x: 4, label: '4', count: 0, flagged: 1 },
    ]);
    // width ceil(40 / 4) = 10 over 0…39
    expect(splitHistogram([0, 9], [10, 39], 4).map((b) => [b.label, b.count, b.flagged])).toEqual([['0–9', 2, 0], ['10–19', 0, 1], ['20–29', 0, 0], ['30–39', 0, 1]]);
    expect(splitHistogram([], [])).toEqual([]);
  });

  test('scored-anyway rows form the ⚠ series only; not-scored rows are counted, never drawn', () => {
    const rows = [
      row(0, { cotTokens: 10, backtracking: 0, tokensAfterCertainty: 2, correct: true }),
      row(1, { cotTokens: 12, backtracking: 1, tokensAfterCertainty: 4, correct: false }),
      row(2, { cotTokens: 300, backtracking: 5, tokensAfterCertainty: 0, scoring: 'scored-anyway', flag: 'x' }),
      row(3, { scoring: 'not-scored', flag: 'x' }),
      row(4, { scoring: 'error', error: 'boom' }),
    ];
    const results = [result([-2, -1]), result([-4, -2]), result([-30, -40, -50]), result(null), result(null)];
    const d = batchChartData(rows, results);
    expect([d.scored, d.flagged, d.notScored]).toEqual([2, 1, 1]);
    // the lengths histogram: 10 and 12 representable, 300 flagged; width ceil(291 / 20) = 15
    expect(d.lengths.reduce((a, b) => a + b.count, 0)).toBe(2);
    expect(d.lengths.reduce((a, b) => a + b.flagged, 0)).toBe(1);
    expect(d.lengths.at(-1)).toMatchObject({ flagged: 1, count: 0 });
    // mean J: 'all' averages rows 0 and 1 only (p = 0: (−2 − 4) / 2 = −3; p = 1: (−1 − 2) / 2 = −1.5)
    expect(d.meanJ[0].all).toBeCloseTo(-3, 12);
    expect(d.meanJ.at(-1)!.all).toBeCloseTo(-1.5, 12);
    expect(d.meanJ[0].correct).toBeCloseTo(-2, 12);
    expect(d.meanJ[0].wrong).toBeCloseTo(-4, 12);
    // the flagged line is row 2 alone: −30 at p = 0, −40 at p = 0.5, −50 at p = 1
    expect(d.meanJ.map((p) => p.flagged).filter((_, i) => i % 5 === 0)).toEqual([-30, -40, -50]);
    // correct vs wrong bars: representable rows only
    expect(d.groups).toEqual([
      { group: 'correct (1)', cotTokens: 10, backtracking: 0, tokensAfterCertainty: 2 },
      { group: 'wrong (1)', cotTokens: 12, backtracking: 1, tokensAfterCertainty: 4 },
    ]);
  });

  test('a batch whose every row is not scored draws nothing', () => {
    const d = batchChartData([row(0, { scoring: 'not-scored', flag: 'x' })], [result(null)]);
    expect([d.scored, d.flagged, d.notScored]).toEqual([0, 0, 1]);
    expect(d.lengths).toEqual([]);
    expect(d.meanJ.every((p) => p.all === null && p.flagged === null)).toBe(true);
  });
});
