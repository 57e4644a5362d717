// Before → after aggregates of two batch runs: means over scored rows only, accuracy over generated
// answers, J gain per row, and the direction each metric should move.
import { describe, expect, it } from 'vitest';
import { aggregateRows, beforeAfterTable } from '../../../src/analysis/beforeAfter.ts';
import type { BatchRow } from '../../../src/analysis/batchRows.ts';

function row(over: Partial<BatchRow>): BatchRow {
  return {
    index: 0, id: 'x', line: 1, question: 'q', answer: '1', modelAnswer: '1', correct: true, error: null,
    cotTokens: 10, segments: 2, backtracking: 0, tokensAfterCertainty: 4, plateaus: 1, finalScore: 0.5, J0: -3, JK: -1,
    ms: 1, flag: '', scoring: 'scored', ...over,
  };
}

describe('before → after', () => {
  it('averages scored rows only; counts the rest; accuracy over generated answers', () => {
    const rows = [
      row({ cotTokens: 10, backtracking: 1, J0: -3, JK: -1, correct: true }),
      row({ cotTokens: 30, backtracking: 0, J0: -2, JK: -1.5, correct: false }),
      // scored although unrepresentable: its numbers stay out, its answer still counts
      row({ cotTokens: 1000, backtracking: 9, scoring: 'scored-anyway', correct: true }),
      row({ cotTokens: null, backtracking: null, J0: null, JK: null, scoring: 'error', error: 'boom', correct: null }),
    ];
    const a = aggregateRows(rows);
    expect(a).toMatchObject({ n: 4, scored: 2, leftOut: 2 });
    expect(a.cotTokens).toBe(20);
    expect(a.backtracking).toBe(0.5);
    expect(a.jGain).toBeCloseTo(((-1 - -3) + (-1.5 - -2)) / 2, 12);
    expect(a.accuracy).toBeCloseTo(2 / 3, 12);
    expect(aggregateRows([]).cotTokens).toBeNull();
    expect(aggregateRows([row({ correct: null })]).accuracy).toBeNull();
  });

  it('one row per metric with the delta and whether it moved the way RePro aims for', () => {
    const before = aggregateRows([row({ cotTokens: 40, correct: false, tokensAfterCertainty: 20 })]);
    const after = aggregateRows([row({ cotTokens: 25, correct: true, tokensAfterCertainty: 20 })]);
    const t = beforeAfterTable(before, after);
    const by = Object.fromEntries(t.map((r) => [r.key, r]));
    expect(by.cotTokens).toMatchObject({ before: 40, after: 25, delta: -15, improved: true });
    expect(by.accuracy).toMatchObject({ before: 0, after: 1, delta: 1, improved: true });
    expect(by.tokensAfterCertainty).toMatchObject({ delta: 0, improved: null });
    expect(t.map((r) => r.key)).toEqual(['accuracy', 'cotTokens', 'backtracking', 'tokensAfterCertainty', 'plateaus', 'finalScore', 'jGain']);
  });
});
