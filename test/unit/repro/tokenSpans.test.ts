import { describe, expect, it } from 'vitest';
import { segmentCot, tokenSpansFromOffsets } from '../../../src/repro/index.ts';

describe('tokenSpansFromOffsets (repro-method.md §2)', () => {
  // "ab\n\ncd\n\nef": segments [0,4) [4,8) [8,10).
  const spans = segmentCot('ab\n\ncd\n\nef');

  it('assigns each token to the segment holding its first char; straddlers go earlier', () => {
    expect(spans).toEqual([{ start: 0, end: 4 }, { start: 4, end: 8 }, { start: 8, end: 10 }]);
    // Token at 3 ("\n" + "cd"…) straddles the boundary at 4 → segment 0.
    expect(tokenSpansFromOffsets(spans, [0, 3, 5, 9])).toEqual([
      { start: 0, end: 2 }, { start: 2, end: 3 }, { start: 3, end: 4 },
    ]);
    // A token starting exactly at a boundary belongs to the later segment.
    expect(tokenSpansFromOffsets(spans, [0, 4, 8])).toEqual([
      { start: 0, end: 1 }, { start: 1, end: 2 }, { start: 2, end: 3 },
    ]);
  });

  it('a segment may own zero tokens; a token at the very end goes to the last segment', () => {
    expect(tokenSpansFromOffsets(spans, [0, 3, 9, 10])).toEqual([
      { start: 0, end: 2 }, { start: 2, end: 2 }, { start: 2, end: 4 },
    ]);
    expect(tokenSpansFromOffsets(spans, new Int32Array([0, 0, 1]))).toEqual([
      { start: 0, end: 3 }, { start: 3, end: 3 }, { start: 3, end: 3 },
    ]);
  });

  it('zero segments give zero token spans', () => {
    expect(tokenSpansFromOffsets([], [0, 1])).toEqual([]);
  });

  it('rejects bad offsets and spans, naming the index', () => {
    expect(() => tokenSpansFromOffsets(spans, [0, 5, 3])).toThrow(/tokenOffsets\[2\] = 3 is below tokenOffsets\[1\]/);
    expect(() => tokenSpansFromOffsets(spans, [-1])).toThrow(/tokenOffsets\[0\]/);
    expect(() => tokenSpansFromOffsets(spans, [0, 1.5])).toThrow(/tokenOffsets\[1\]/);
    expect(() => tokenSpansFromOffsets(spans, [0, NaN])).toThrow(/tokenOffsets\[1\] must be finite/);
    expect(() => tokenSpansFromOffsets(spans, [0, 11])).toThrow(/past the end/);
    expect(() => tokenSpansFromOffsets([{ start: 0, end: 2 }, { start: 3, end: 5 }], [0])).toThrow(
      /spans\[1\].start = 3 .*expected 2/,
    );
    expect(() => tokenSpansFromOffsets([{ start: 1, end: 2 }], [0])).toThrow(/spans\[0\]/);
    expect(() => tokenSpansFromOffsets([{ start: 0, end: 0 }], [0])).toThrow(/spans\[0\] is empty/);
  });
});
