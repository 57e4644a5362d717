import { describe, expect, it } from 'vitest';
import { segmentCot } from '../../../src/repro/index.ts';
import type { Span } from '../../../src/repro/index.ts';

const texts = (cot: string, spans: Span[]) => spans.map((s) => cot.slice(s.start, s.end));

describe('segmentCot (repro-method.md §2)', () => {
  it('splits at blank lines; the delimiter belongs to the segment before it', () => {
    expect(segmentCot('A\n\nB')).toEqual([{ start: 0, end: 3 }, { start: 3, end: 4 }]);
    // "\n\n\n" at [1,4) and "\n  \n" at [5,9) each count once.
    const cot = 'A\n\n\nB\n  \nC';
    expect(segmentCot(cot)).toEqual([{ start: 0, end: 4 }, { start: 4, end: 9 }, { start: 9, end: 10 }]);
    expect(texts(cot, segmentCot(cot))).toEqual(['A\n\n\n', 'B\n  \n', 'C']);
  });

  it('a single newline is not a delimiter', () => {
    expect(segmentCot('line one\nline two')).toEqual([{ start: 0, end: 17 }]);
  });

  it('empty and whitespace-only CoTs have zero segments; no delimiter gives one', () => {
    expect(segmentCot('')).toEqual([]);
    expect(segmentCot('  \n\n \t\r\n')).toEqual([]);
    expect(segmentCot('abc')).toEqual([{ start: 0, end: 3 }]);
  });

  it('leading delimiters belong to the first segment; trailing ones to the last', () => {
    expect(texts('\n\nA\n\nB', segmentCot('\n\nA\n\nB'))).toEqual(['\n\nA\n\n', 'B']);
    expect(texts('A\n\nB\n\n', segmentCot('A\n\nB\n\n'))).toEqual(['A\n\n', 'B\n\n']);
  });

  it('merges whitespace-only pieces into the segment before (or the next when first)', () => {
    // NBSP is not in [ \t], so "\n\n\u00a0\n\n" is two delimiters around a whitespace piece.
    const cot = 'A\n\n\u00a0\n\nB';
    expect(segmentCot(cot)).toEqual([{ start: 0, end: 6 }, { start: 6, end: 7 }]);
    // Custom delimiter "---": pieces "A---", " ---" (blank content), "B".
    expect(segmentCot('A--- ---B', { delimiter: '---' })).toEqual([{ start: 0, end: 8 }, { start: 8, end: 9 }]);
    // Leading blank pieces go to the first real segment.
    // "---"[0,3) and " ---"[3,7) are blank, so they join "A---"[7,11); then "B"[11,12).
    expect(segmentCot('--- ---A---B', { delimiter: '---' })).toEqual([{ start: 0, end: 11 }, { start: 11, end: 12 }]);
    // Only delimiters: one segment covering everything.
    expect(segmentCot('------', { delimiter: '---' })).toEqual([{ start: 0, end: 6 }]);
  });

  it('handles CRLF line endings', () => {
    const cot = 'A\r\n\r\nB\r\nC\r\n \t\r\n\r\nD';
    expect(texts(cot, segmentCot(cot))).toEqual(['A\r\n\r\n', 'B\r\nC\r\n \t\r\n\r\n', 'D']);
  });

  it('accepts custom string delimiters', () => {
    expect(texts('a. b. c', segmentCot('a. b. c', { delimiter: '. ' }))).toEqual(['a. ', 'b. ', 'c']);
  });

  it('uses a RegExp through a copy: global/sticky flags and lastIndex do not matter', () => {
    const cot = 'x; y;  z';
    const expected = ['x; ', 'y;  ', 'z'];
    const global = /;\s*/g;
    global.lastIndex = 5;
    expect(texts(cot, segmentCot(cot, { delimiter: global }))).toEqual(expected);
    expect(global.lastIndex).toBe(5);
    const sticky = /;\s*/y;
    sticky.lastIndex = 4;
    expect(texts(cot, segmentCot(cot, { delimiter: sticky }))).toEqual(expected);
    expect(texts(cot, segmentCot(cot, { delimiter: /;\s*/gy }))).toEqual(expected);
    // Flags other than g/y are kept: case-insensitive split.
    expect(texts('aXbxc', segmentCot('aXbxc', { delimiter: /x/i }))).toEqual(['aX', 'bx', 'c']);
  });

  it('a zero-width RegExp (lookahead) splits before the match', () => {
    const cot = 'Think. Wait no. Wait yes';
    expect(texts(cot, segmentCot(cot, { delimiter: /(?=Wait)/ }))).toEqual(['Think. ', 'Wait no. ', 'Wait yes']);
    expect(segmentCot('abc', { delimiter: /(?:)/ })).toEqual([
      { start: 0, end: 1 }, { start: 1, end: 2 }, { start: 2, end: 3 },
    ]);
  });

  it('segments are contiguous, cover the CoT and concatenate back to it', () => {
    const parts = ['Step one.', '\n\n', '   ', '\n\n', 'Two\nlines', '\n \n\n', 'end', '\r\n\r\n', '\t'];
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let trial = 0; trial < 200; trial++) {
      const n = Math.floor(rand() * 12);
      const cot = Array.from({ length: n }, () => parts[Math.floor(rand() * parts.length)]).join('');
      const spans = segmentCot(cot);
      if (/^\s*$/.test(cot)) { expect(spans).toEqual([]); continue; }
      expect(spans[0].start).toBe(0);
      expect(spans[spans.length - 1].end).toBe(cot.length);
      for (let i = 1; i < spans.length; i++) expect(spans[i].start).toBe(spans[i - 1].end);
      expect(texts(cot, spans).join('')).toBe(cot);
      for (const t of texts(cot, spans)) expect(t.trim().length).toBeGreaterThan(0);
    }
  });

  it('rejects bad input with the argument named', () => {
    expect(() => segmentCot(42 as unknown as string)).toThrow(/cot must be a string/);
    expect(() => segmentCot('a', { delimiter: '' })).toThrow(/opts.delimiter must not be an empty string/);
    expect(() => segmentCot('a', { delimiter: 5 as unknown as string })).toThrow(TypeError);
  });
});
