import { describe, expect, test } from 'vitest';
import { makeProblem, problemFrom } from '../../../src/task/problem.ts';
import { renderTrace, TRACE_STYLES } from '../../../src/task/trace.ts';
import { toyTokenizer } from '../../../src/task/tokenizer.ts';
import { segmentCot } from '../../../src/repro/segmentCot.ts';
import { Rng } from '../../../src/sampling/rng.ts';

// §10 markers, written out here independently of src/task/markers.ts
const MARKER_OPENERS = /^(wait|hmm|actually|let me check|no,)/;

describe('trace rendering', () => {
  test('concise 457+386: the exact text (hand-written)', () => {
    const t = renderTrace(problemFrom(457, 386), 'concise', new Rng(0));
    expect(t.text).toBe('<bos>457+386=?\n7+6=13\n\n5+8+1=14\n\n4+3+1=8\n\nAnswer: 843<eos>');
    expect(t.prompt).toBe('<bos>457+386=?\n');
    expect(t.cot).toBe('7+6=13\n\n5+8+1=14\n\n4+3+1=8\n\n');
    expect(t.probe).toBe('Answer: ');
    expect(t.answer).toBe('843');
    expect(t.roles).toEqual(['step', 'step', 'step']);
  });

  test('every style: parts concatenate to the text, segments match §2 segmentation, marker only once', () => {
    const rng = new Rng(17);
    for (let i = 0; i < 300; i++) {
      const p = makeProblem(rng, { minDigits: 1, maxDigits: 4, split: 'any' });
      for (const style of TRACE_STYLES) {
        const t = renderTrace(p, style, rng);
        expect(t.text).toBe(t.prompt + t.cot + t.probe + t.answer + '<eos>');
        expect(t.prompt).toBe(`<bos>${p.a}+${p.b}=?\n`);
        expect(t.text.split('Answer: ').length).toBe(2);
        const spans = segmentCot(t.cot);
        expect(spans.map((s) => t.cot.slice(s.start, s.end))).toEqual(t.segments.map((s) => s + '\n\n'));
        expect(t.roles.length).toBe(t.segments.length);
        for (const seg of t.segments) expect(seg).toMatch(/^[a-z ,:]*\d\+\d(\+1)?=\d+( yes| ok)?$/);
      }
    }
  });

  test('style contents: steps in order; extras repeat finished steps; one wrong step then its correction', () => {
    const rng = new Rng(99);
    for (let i = 0; i < 500; i++) {
      const p = makeProblem(rng, { minDigits: 2, maxDigits: 4, split: 'any' });
      const steps = renderTrace(p, 'concise', rng).segments;
      for (const style of TRACE_STYLES) {
        const t = renderTrace(p, style, rng);
        const bare = t.segments.filter((_, k) => t.roles[k] === 'step' || t.roles[k] === 'correction')
          .map((s) => s.replace(/^[a-z ,:]+/, ''));
        expect(bare).toEqual(steps);
        const extras = t.roles.filter((r) => r !== 'step').length;
        t.segments.forEach((seg, k) => {
          const eq = /\d\+\d(\+1)?=\d+/.exec(seg)![0];
          const doneBefore = t.segments.slice(0, k).filter((_, j) => t.roles[j] === 'step').map((s) => s);
          switch (t.roles[k]) {
            case 'redundant':
              expect(seg).toBe(`check ${eq} ok`);
              expect(doneBefore).toContain(eq);
              break;
            case 'hesitation':
              expect(seg).toMatch(MARKER_OPENERS);
              expect(doneBefore).toContain(eq);
              break;
            case 'wrong': {
              const [lhs, rhs] = eq.split('=');
              const truth = lhs.split('+').map(Number).reduce((a, b) => a + b, 0);
              expect(Math.abs(Number(rhs) - truth)).toBe(1);
              expect(t.roles[k + 1]).toBe('correction');
              expect(t.segments[k + 1]).toMatch(MARKER_OPENERS);
              expect(t.segments[k + 1].endsWith(`${lhs}=${truth}`)).toBe(true);
              break;
            }
          }
        });
        if (style === 'concise') expect(extras).toBe(0);
        if (style === 'redundant' || style === 'hesitation') expect(extras === 1 || extras === 2).toBe(true);
        if (style === 'wrongCorrected') expect(t.roles.filter((r) => r === 'wrong').length).toBe(1);
      }
    }
  });

  test('every style and size fits in 128 tokens (worst case 9999+9999 and random draws)', () => {
    const rng = new Rng(5);
    let longest = 0;
    for (let digits = 1; digits <= 4; digits++) {
      const worst = problemFrom(10 ** digits - 1, 10 ** digits - 1);
      for (const style of TRACE_STYLES) {
        for (let i = 0; i < 300; i++) {
          for (const p of [worst, makeProblem(rng, { minDigits: digits, maxDigits: digits, split: 'any' })]) {
            const n = toyTokenizer.encode(renderTrace(p, style, rng).text).length;
            longest = Math.max(longest, n);
            expect(n).toBeLessThanOrEqual(128);
          }
        }
      }
    }
    // hand bound: 13 prompt + 38 steps + 2 × 27 "let me check 9+9+1=19 yes\n\n" + 14 answer = 119
    expect(longest).toBeLessThanOrEqual(119);
    expect(longest).toBeGreaterThan(100);
  });

  test('same seed → same traces; bad style named', () => {
    const p = problemFrom(1234, 987);
    for (const style of TRACE_STYLES) {
      expect(renderTrace(p, style, new Rng(8))).toEqual(renderTrace(p, style, new Rng(8)));
    }
    expect(() => renderTrace(p, 'verbose' as never, new Rng(0))).toThrow(/style must be one of/);
  });
});
