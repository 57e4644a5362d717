// What the token lens popover and the surprise strip show (src/analysis/tokenLens.ts), on a
// hand-made trajectory.
import { describe, expect, test } from 'vitest';
import { cotTokenText, maxPerBin, tokenLensView, visibleToken } from '../../../src/analysis/tokenLens.ts';
import type { Trajectory } from '../../../src/repro/types.ts';

const t: Trajectory = {
  question: 'q', cot: 'ab c\n', answer: '1', probe: ' =',
  segments: [{ start: 0, end: 5 }], cotTokens: [7, 8, 9], tokenOffsets: [0, 2, 4], tokenSpans: [{ start: 0, end: 3 }],
  J: [-1, -0.5], answerLogProbs: [[-1], [-0.5]], tokenEntropy: [0.9, 1.2, 0.1], firstTokenEntropy: [0.9],
  tokenLens: {
    k: 2,
    ids: [[7, 3], [3, 4], [9, 8]],
    logProbs: [[Math.log(0.6), Math.log(0.3)], [Math.log(0.5), Math.log(0.25)], [Math.log(0.95), Math.log(0.04)]],
    chosenLogProb: [Math.log(0.6), Math.log(0.1), Math.log(0.95)],
    chosenRank: [0, 4, 0],
  },
  tokenText: { 3: ' x', 4: '\n', 7: 'ab', 8: ' c', 9: '\n' },
};

describe('tokenLensView', () => {
  test('p, surprise, rank, entropy and the alternatives with their probabilities and text', () => {
    const v = tokenLensView(t, 1)!;
    expect(v.text).toBe(' c');
    expect(v.p).toBeCloseTo(0.1, 12);
    expect(v.surprise).toBeCloseTo(-Math.log(0.1), 12);
    expect(v.rank).toBe(4);
    expect(v.entropy).toBe(1.2);
    expect(v.alternatives.map((a) => [a.id, a.text, a.chosen])).toEqual([[3, ' x', false], [4, '\n', false]]);
    expect(v.alternatives.map((a) => a.p)).toEqual([expect.closeTo(0.5, 12), expect.closeTo(0.25, 12)]);
    expect(v.listedMass).toBeCloseTo(0.75, 12);
    expect(tokenLensView(t, 0)!.alternatives[0].chosen).toBe(true);
    expect(tokenLensView(t, 2)!.text).toBe('\n'); // the last token runs to the end of the CoT
  });

  test('null for an inspection without a token lens (older records) and out of range; text missing → null', () => {
    const { tokenLens: _, ...old } = t;
    expect(tokenLensView(old, 0)).toBeNull();
    expect(tokenLensView(t, 3)).toBeNull();
    expect(tokenLensView({ ...t, tokenText: undefined }, 0)!.alternatives[1].text).toBeNull();
    expect(cotTokenText(old, 0)).toBe('ab');
  });
});

test('visibleToken shows whitespace', () => {
  expect(visibleToken(' the')).toBe('·the');
  expect(visibleToken('\n\n')).toBe('↵↵');
  expect(visibleToken('\t\r')).toBe('→␍');
  expect(visibleToken('')).toBe('∅');
  expect(visibleToken('<b>')).toBe('<b>');
});

test('maxPerBin: at most n bins, each the max of its tokens, covering every token', () => {
  expect(maxPerBin([1, 5, 2], 10)).toEqual([{ i: 0, v: 1, from: 0, to: 1 }, { i: 1, v: 5, from: 1, to: 2 }, { i: 2, v: 2, from: 2, to: 3 }]);
  const xs = Array.from({ length: 1001 }, (_, i) => (i === 777 ? 50 : i % 7));
  const b = maxPerBin(xs, 100);
  expect(b.length).toBeLessThanOrEqual(100);
  expect(b[0].from).toBe(0);
  expect(b.at(-1)!.to).toBe(1001);
  for (let j = 1; j < b.length; j++) expect(b[j].from).toBe(b[j - 1].to);
  for (const bin of b) expect(bin.v).toBe(Math.max(...xs.slice(bin.from, bin.to)));
  expect(b.find((bin) => bin.from <= 777 && 777 < bin.to)).toMatchObject({ i: 777, v: 50 });
  expect(maxPerBin([], 10)).toEqual([]);
});
