import { describe, expect, test } from 'vitest';
import { answersMatch, extractAnswer, lastBoxed, splitResponse } from '../../../src/analysis/responseSplit.ts';

describe('splitting a response into CoT and answer', () => {
  test('toy model: the CoT ends at its answer marker and keeps its trailing blank line', () => {
    const r = splitResponse('7+6=13\n\n5+8+1=14\n\nAnswer: 843', 'Answer: ', false);
    expect(r).toEqual({ cot: '7+6=13\n\n5+8+1=14\n\n', rest: ' 843', foundMarker: true });
    expect(extractAnswer(r.rest)).toBe('843');
  });

  test('thinking model: the CoT ends at </think>, without the newline the probe opens with', () => {
    const text = 'Let me add.\n\nWait, check.\n</think>\n\nThe final answer is \\boxed{\\frac{1}{2}}.';
    const r = splitResponse(text, '\n</think>\n\nThe final answer is \\boxed{', true);
    expect(r.cot).toBe('Let me add.\n\nWait, check.');
    expect(extractAnswer(r.rest)).toBe('\\frac{1}{2}');
  });

  test('no marker: everything is CoT and there is no answer', () => {
    expect(splitResponse('still thinking', 'Answer: ', false)).toEqual({ cot: 'still thinking', rest: '', foundMarker: false });
  });

  test('lastBoxed handles nesting and an unclosed box', () => {
    expect(lastBoxed('\\boxed{1} then \\boxed{{a}+b}')).toBe('{a}+b');
    expect(lastBoxed('\\boxed{12')).toBe('12');
    expect(lastBoxed('none')).toBeNull();
  });

  test('answer matching: numbers by value, text ignoring case/space/final period', () => {
    expect(answersMatch('0843', '843')).toBe(true);
    expect(answersMatch('1,000', '1000')).toBe(true);
    expect(answersMatch(' Paris. ', 'paris')).toBe(true);
    expect(answersMatch('844', '843')).toBe(false);
    expect(answersMatch('', '')).toBe(false);
  });
});
