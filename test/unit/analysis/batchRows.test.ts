import { describe, expect, test } from 'vitest';
import { CSV_COLUMNS, SCORING_TEXT, filterRows, histogram, meanJByPosition, rowOf, sortRows, type BatchRow } from '../../../src/analysis/batchRows.ts';

function row(index: number, patch: Partial<BatchRow>): BatchRow {
  return {
    index, id: `r${index}`, line: index + 1, question: `q${index}`, answer: 'a', modelAnswer: '', correct: null, error: null,
    cotTokens: null, segments: null, backtracking: null, tokensAfterCertainty: null, plateaus: null, finalScore: null, J0: null, JK: null, ms: 0, flag: '', scoring: 'scored',
    ...patch,
  };
}

describe('batch rows', () => {
  const rows = [row(0, { finalScore: 0.5, correct: true }), row(1, { finalScore: null, error: 'boom' }), row(2, { finalScore: -0.2, correct: false }), row(3, { finalScore: 0.5, question: 'Find <script>' })];

  test('sort is stable, nulls last in both directions', () => {
    expect(sortRows(rows, 'finalScore', 'asc').map((r) => r.index)).toEqual([2, 0, 3, 1]);
    expect(sortRows(rows, 'finalScore', 'desc').map((r) => r.index)).toEqual([0, 3, 2, 1]);
    expect(sortRows(rows, 'question', 'desc').map((r) => r.index)).toEqual([2, 1, 0, 3]);
  });

  test('filter by text and by outcome', () => {
    expect(filterRows(rows, '<SCRIPT', 'all').map((r) => r.index)).toEqual([3]);
    expect(filterRows(rows, '', 'correct').map((r) => r.index)).toEqual([0]);
    expect(filterRows(rows, '', 'wrong').map((r) => r.index)).toEqual([2]);
    expect(filterRows(rows, 'boom', 'errors').map((r) => r.index)).toEqual([1]);
  });

  test('a row the model cannot represent carries the reason in flag (shown, exported, filterable)', () => {
    const J = [-2, -1];
    const traj = { question: 'What?', cot: 'x', answer: '1', probe: 'Answer: ', segments: [{ start: 0, end: 1 }], cotTokens: [5], tokenOffsets: [0], tokenSpans: [{ start: 0, end: 1 }], J, answerLogProbs: [[-2], [-1]], tokenEntropy: [0.1], firstTokenEntropy: [0.1] };
    const base = { id: 'n1', line: 1, question: 'What?', answer: '1', correct: null, modelAnswer: '', generated: false, trajectory: traj, error: null, ms: 1 };
    const problems = ['2 unknown tokens: the model\'s vocabulary has no "W"', "140 tokens (prompt + CoT + probe + answer) is longer than the model's 128-token context"];
    const unrep = { ok: false, tokens: 140, contextLength: 128, unknownTokens: 2, unknownChars: ['W'], problems };
    const flagged = rowOf(0, { ...base, representability: unrep }, { w: 0.5, eps: 1e-6, markers: [] });
    expect(flagged.flag).toBe(problems.join('; '));
    // scored because the run asked for it (or saved before the rule): numbers kept, flagged wherever shown
    expect(flagged.JK).toBe(-1);
    expect(flagged.scoring).toBe('scored-anyway');
    // the worker's default: not scored, no numbers, and not an error either
    const skipped = rowOf(3, { ...base, trajectory: null, representability: unrep }, { w: 0.5, eps: 1e-6, markers: [] });
    expect(skipped).toMatchObject({ scoring: 'not-scored', error: null, flag: problems.join('; '), JK: null, J0: null, finalScore: null, cotTokens: null });
    expect(SCORING_TEXT[skipped.scoring]).toBe('not scored: the model cannot represent this input');
    expect(rowOf(4, { ...base, trajectory: null, error: 'boom', representability: null }, { w: 0.5, eps: 1e-6, markers: [] }).scoring).toBe('error');
    const clean = rowOf(1, { ...base, representability: { ok: true, tokens: 12, contextLength: 128, unknownTokens: 0, unknownChars: [], problems: [] } }, { w: 0.5, eps: 1e-6, markers: [] });
    expect(clean.flag).toBe('');
    expect(clean.scoring).toBe('scored');
    expect(rowOf(2, base, { w: 0.5, eps: 1e-6, markers: [] }).flag).toBe(''); // runs saved before the check
    expect(filterRows([flagged, clean], '', 'flagged').map((r) => r.index)).toEqual([0]);
    expect(CSV_COLUMNS).toContain('flag');
    expect(CSV_COLUMNS).toContain('scoring');
  });

  test('histogram: unit bins for small ranges, wider bins beyond maxBins', () => {
    expect(histogram([0, 2, 2, 1])).toEqual([
      { x: 0, label: '0', count: 1 },
      { x: 1, label: '1', count: 1 },
      { x: 2, label: '2', count: 2 },
    ]);
    const h = histogram([0, 9, 10, 39], 4); // width 10
    expect(h).toEqual([
      { x: 0, label: '0–9', count: 2 },
      { x: 10, label: '10–19', count: 1 },
      { x: 20, label: '20–29', count: 0 },
      { x: 30, label: '30–39', count: 1 },
    ]);
    expect(histogram([])).toEqual([]);
  });

  test('mean J by normalised position interpolates between boundaries', () => {
    // J1 has K = 2 (positions 0, .5, 1); J2 has K = 1; J3 has K = 0 (flat).
    const out = meanJByPosition([[-2, -1, 0], [-4, -2], [-3]], 4);
    expect(out.map((p) => p.p)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    // p = 0.25: J1 → −1.5, J2 → −3.5, J3 → −3 ⇒ mean −8/3.
    expect(out[1].meanJ).toBeCloseTo(-8 / 3, 12);
    // p = 1: 0, −2, −3 ⇒ −5/3.
    expect(out[4].meanJ).toBeCloseTo(-5 / 3, 12);
    expect(meanJByPosition([], 2)).toEqual([{ p: 0, meanJ: null }, { p: 0.5, meanJ: null }, { p: 1, meanJ: null }]);
  });
});
