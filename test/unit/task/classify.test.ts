import { describe, expect, test } from 'vitest';
import { classifySegments } from '../../../src/task/classify.ts';
import { isBacktrackingText } from '../../../src/task/markers.ts';
import { makeProblem, problemFrom } from '../../../src/task/problem.ts';
import { renderTrace, TRACE_STYLES } from '../../../src/task/trace.ts';
import { Rng } from '../../../src/sampling/rng.ts';

const kinds = (cot: string, problem?: ReturnType<typeof problemFrom>) =>
  classifySegments(cot, { problem }).map((l) => l.kind + (l.backtracking ? '*' : ''));

describe('classifySegments', () => {
  test('hand-written CoTs', () => {
    const p = problemFrom(457, 386);
    const cot = '7+6=13\n\ncheck 7+6=13 ok\n\n5+8+1=13\n\nwait, no: 5+8+1=14\n\nhmm, 5+8+1=14 yes\n\n4+3+1=8\n\n';
    const expected = ['step', 'redundant', 'wrong', 'correction*', 'redundant*', 'step'];
    expect(kinds(cot, p)).toEqual(expected);
    expect(kinds(cot)).toEqual(expected);
  });

  test('without the carry: true arithmetic but no column → wrong when the problem is known', () => {
    const p = problemFrom(457, 386);
    expect(kinds('7+6=13\n\n5+8=13\n\n5+8+1=14\n\n', p)).toEqual(['step', 'wrong', 'correction']);
    expect(kinds('7+6=13\n\n5+8=13\n\n', undefined)).toEqual(['step', 'step']);
  });

  test('the same equation in two columns is progress both times when the problem is known', () => {
    const p = problemFrom(343, 434); // 3+4=7, 4+3=7, 3+4=7
    expect(kinds('3+4=7\n\n4+3=7\n\n3+4=7\n\n', p)).toEqual(['step', 'step', 'step']);
    expect(kinds('3+4=7\n\n4+3=7\n\n3+4=7\n\n')).toEqual(['step', 'step', 'redundant']);
    // 33+44: both columns are 3+4=7; a worded repeat is redundant, the bare one is the next step
    expect(kinds('3+4=7\n\ncheck 3+4=7 ok\n\n3+4=7\n\n', problemFrom(33, 44))).toEqual(['step', 'redundant', 'step']);
  });

  test('segments without an equation, spans and text', () => {
    const labels = classifySegments('so far so good\n\nactually 1+2=3');
    expect(labels.map((l) => [l.span, l.text, l.kind, l.backtracking])).toEqual([
      [{ start: 0, end: 16 }, 'so far so good', 'other', false],
      [{ start: 16, end: 30 }, 'actually 1+2=3', 'step', true],
    ]);
    expect(labels[1].equation).toEqual({ lhs: '1+2', terms: [1, 2], sum: 3 });
    expect(classifySegments('')).toEqual([]);
    expect(() => classifySegments('1+1=2', { spans: [{ start: 0, end: 9 }] })).toThrow(/spans\[0\]/);
  });

  test('recovers the generator roles of every style', () => {
    const rng = new Rng(31);
    const toKind = { step: 'step', redundant: 'redundant', hesitation: 'redundant', wrong: 'wrong', correction: 'correction' };
    for (let i = 0; i < 300; i++) {
      const p = makeProblem(rng, { split: 'any' });
      for (const style of TRACE_STYLES) {
        const t = renderTrace(p, style, rng);
        const labels = classifySegments(t.cot, { problem: p });
        expect(labels.map((l) => l.kind)).toEqual(t.roles.map((r) => toKind[r]));
        expect(labels.map((l) => l.backtracking)).toEqual(t.roles.map((r) => r === 'hesitation' || r === 'correction'));
      }
    }
  });
});

describe('backtracking markers (repro-method.md §10)', () => {
  test('whole-word, case-insensitive, after stripping leading punctuation and symbols', () => {
    expect(isBacktrackingText('Wait, 4+8=12')).toBe(true);
    expect(isBacktrackingText('  ** Hmm... ')).toBe(true);
    expect(isBacktrackingText('but   wait')).toBe(true);
    expect(isBacktrackingText('let me check 1+1=2')).toBe(true);
    expect(isBacktrackingText('Double-check: ok')).toBe(true);
    expect(isBacktrackingText('no, 1+2=3')).toBe(true);
    expect(isBacktrackingText('waiting for 1+1')).toBe(false);
    expect(isBacktrackingText('no 1+2=3')).toBe(false);
    expect(isBacktrackingText('check 1+1=2 ok')).toBe(false);
    expect(isBacktrackingText('I wait')).toBe(false);
    expect(isBacktrackingText('hmm', ['wait'])).toBe(false);
  });
});
