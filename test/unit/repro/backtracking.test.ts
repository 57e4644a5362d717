import { describe, expect, it } from 'vitest';
import { findBacktracking, segmentCot } from '../../../src/repro/index.ts';

/** Joins paragraphs with blank lines and segments them with the default delimiter. */
function build(paragraphs: string[]) {
  const cot = paragraphs.join('\n\n');
  const spans = segmentCot(cot);
  expect(spans).toHaveLength(paragraphs.length);
  return { cot, spans };
}

describe('findBacktracking (repro-method.md §10)', () => {
  it('finds default markers case-insensitively, as whole words, after leading junk', () => {
    const { cot, spans } = build([
      'Let x = 2.', // 0 no
      'Wait, that is wrong.', // 1 yes
      '  **Hmm...** maybe', // 2 yes: leading spaces and "**" stripped, "." after hmm
      'Waiting for nothing', // 3 no: "wait" followed by a letter
      'No, x = 3.', // 4 yes: the "no," marker
      'Nothing here; no, really', // 5 no: only the opening counts
      'BUT   WAIT what', // 6 yes: whitespace collapsed
      '— Actually it is 4', // 7 yes: em dash stripped
      'Let me check: 4', // 8 yes
      'Let me checking', // 9 no
      'double-check it', // 10 yes
      'Hmmm', // 11 no: "hmm" followed by a letter
      '$ wait', // 12 yes: symbol stripped
      '1. Wait', // 13 no: digits are not stripped
      'Wait2', // 14 no: followed by a digit
      'wait', // 15 yes: marker at the very end
    ]);
    expect(findBacktracking(cot, spans)).toEqual([1, 2, 4, 6, 7, 8, 10, 12, 15]);
  });

  it('reads the whole code point after a marker: an astral letter (𝔸) is a letter, an emoji is not', () => {
    const { cot, spans } = build(['Actually𝔸 no', 'Wait😀 yes', 'hmm𝟙']);
    expect(findBacktracking(cot, spans)).toEqual([1]);
  });

  it('uses a custom marker list, normalised like the text', () => {
    const { cot, spans } = build(['Step 1', 'So   then', 'But wait', '"So then"']);
    expect(findBacktracking(cot, spans, { markers: ['  SO then '] })).toEqual([1, 3]);
    expect(findBacktracking(cot, spans, { markers: ['...But  Wait'] })).toEqual([2]);
    expect(findBacktracking(cot, spans, { markers: [] })).toEqual([]);
  });

  it('handles zero segments and a huge segment', () => {
    expect(findBacktracking('   ', [])).toEqual([]);
    const big = ' '.repeat(5000) + '...Wait ' + 'x'.repeat(200_000);
    expect(findBacktracking(big, [{ start: 0, end: big.length }])).toEqual([0]);
  });

  it('rejects bad spans and markers', () => {
    expect(() => findBacktracking('abc', [{ start: 0, end: 2 }])).toThrow(/spans\[0\].end = 2 .*length 3/);
    expect(() => findBacktracking('abc', [{ start: 0, end: 1 }, { start: 2, end: 3 }])).toThrow(/spans\[1\]/);
    expect(() => findBacktracking('abc', [{ start: 0, end: 3 }], { markers: ['ok', '...'] })).toThrow(
      /opts.markers\[1\] is empty/,
    );
    expect(() => findBacktracking('abc', [{ start: 0, end: 3 }], { markers: [3 as unknown as string] })).toThrow(
      /opts.markers\[0\] must be a string/,
    );
  });
});
