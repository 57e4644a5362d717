import { describe, expect, it } from 'vitest';
import { extractAnswer, extractGsm8k, extractLastBoxed } from '../../../src/data/answerExtraction.ts';

describe('extractGsm8k', () => {
  it('takes the number after ####, strips calculator annotations from the rationale', () => {
    const r = extractGsm8k('Natalia sold 48/2 = <<48/2=24>>24 clips in May.\n#### 72');
    expect(r).toEqual({ answer: '72', rationale: 'Natalia sold 48/2 = 24 clips in May.', rule: 'gsm8k-####' });
  });
  it('removes thousands commas, keeps decimals and signs, drops a $ and trailing units', () => {
    expect(extractGsm8k('x\n#### 1,000,000')?.answer).toBe('1000000');
    expect(extractGsm8k('x\n#### $10 dollars')?.answer).toBe('10');
    expect(extractGsm8k('x\n#### 18 eggs per day')?.answer).toBe('18');
    expect(extractGsm8k('x\n#### -3')?.answer).toBe('-3');
    expect(extractGsm8k('x\n#### 3.50')?.answer).toBe('3.50');
    expect(extractGsm8k('x\n#### 18.')?.answer).toBe('18');
  });
  it('keeps text that is not a plain number whole (no silent truncation of "12,34" or "1/2")', () => {
    expect(extractGsm8k('#### 12,34')?.answer).toBe('12,34');
    expect(extractGsm8k('#### 1/2')?.answer).toBe('1/2');
    expect(extractGsm8k('#### Paris')?.answer).toBe('Paris');
  });
  it('uses the last #### and only its first line; none or nothing after it → null', () => {
    expect(extractGsm8k('a #### 1\nb\n#### 2\n')?.answer).toBe('2');
    expect(extractGsm8k('a #### 1\nb\n#### 2\n')?.rationale).toBe('a #### 1\nb');
    expect(extractGsm8k('#### 7\ntrailing note')?.answer).toBe('7');
    expect(extractGsm8k('no marker')).toBeNull();
    expect(extractGsm8k('text ####   ')).toBeNull();
  });
});

describe('extractLastBoxed', () => {
  it('matches nested braces', () => {
    const r = extractLastBoxed('So $x = \\boxed{\\frac{\\sqrt{3}}{2}}$.');
    expect(r).toEqual({ answer: '\\frac{\\sqrt{3}}{2}', rationale: 'So $x =', rule: 'last-boxed' });
  });
  it('takes the last of several \\boxed, and escaped braces do not count', () => {
    expect(extractLastBoxed('first \\boxed{2}, then \\boxed{\\{-2, 2\\}} done')?.answer).toBe('\\{-2, 2\\}');
    expect(extractLastBoxed('\\boxed {5} and \\fbox{6}')?.answer).toBe('6');
  });
  it('is null for an unclosed or empty \\boxed, or none', () => {
    expect(extractLastBoxed('\\boxed{\\frac{1}{2}')).toBeNull();
    expect(extractLastBoxed('\\boxed{ }')).toBeNull();
    expect(extractLastBoxed('just 5')).toBeNull();
  });
});

describe('extractAnswer', () => {
  it('auto: #### first, then \\boxed, then the whole field; an unclosed \\boxed is an error', () => {
    expect(extractAnswer('r\n#### 4')).toMatchObject({ answer: '4', rule: 'gsm8k-####' });
    expect(extractAnswer('r \\boxed{4}')).toMatchObject({ answer: '4', rule: 'last-boxed' });
    expect(extractAnswer('  4 ')).toEqual({ answer: '4', rationale: '', rule: 'whole-field' });
    expect(extractAnswer('r \\boxed{4')).toEqual({ error: 'the last \\boxed{ never closes its braces' });
  });
  it('a forced rule whose marker is missing is an error; whole-field keeps the text', () => {
    expect(extractAnswer('\\boxed{4}', 'gsm8k-####')).toEqual({ error: 'no "#### answer" in the answer text' });
    expect(extractAnswer('#### 4', 'last-boxed')).toEqual({ error: 'no complete \\boxed{…} in the answer text' });
    expect(extractAnswer('r\n#### 4', 'whole-field')).toMatchObject({ answer: 'r\n#### 4', rule: 'whole-field' });
  });
});
