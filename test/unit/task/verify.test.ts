import { describe, expect, test } from 'vitest';
import { problemFrom } from '../../../src/task/problem.ts';
import { verifyAnswer } from '../../../src/task/verify.ts';

describe('verifyAnswer', () => {
  const p = problemFrom(457, 386); // 843

  test('correct answers, with or without prompt, <eos> or trailing text', () => {
    expect(verifyAnswer(p, '7+6=13\n\nAnswer: 843<eos>')).toEqual({ correct: true, parsed: '843' });
    expect(verifyAnswer(p, '<bos>457+386=?\n7+6=13\n\nAnswer: 843')).toEqual({ correct: true, parsed: '843' });
    expect(verifyAnswer('843', 'Answer: 843<eos><pad><pad>')).toEqual({ correct: true, parsed: '843' });
    expect(verifyAnswer(p, 'Answer:  843 \nmore text')).toEqual({ correct: true, parsed: '843' });
    expect(verifyAnswer(p, 'Answer: 0843')).toEqual({ correct: true, parsed: '0843' });
  });

  test('wrong answers parse but are not correct', () => {
    expect(verifyAnswer(p, 'Answer: 842<eos>')).toEqual({ correct: false, parsed: '842' });
    expect(verifyAnswer(p, 'Answer: 8430')).toEqual({ correct: false, parsed: '8430' });
    // only the first marker counts
    expect(verifyAnswer(p, 'Answer: 842\n\nAnswer: 843')).toEqual({ correct: false, parsed: '842' });
  });

  test('malformed outputs: no marker, empty, non-digits', () => {
    expect(verifyAnswer(p, '7+6=13\n\n843<eos>')).toEqual({ correct: false, parsed: null });
    expect(verifyAnswer(p, '')).toEqual({ correct: false, parsed: null });
    expect(verifyAnswer(p, 'Answer: <eos>')).toEqual({ correct: false, parsed: null });
    expect(verifyAnswer(p, 'Answer: 84 3')).toEqual({ correct: false, parsed: null });
    expect(verifyAnswer(p, 'Answer: -843')).toEqual({ correct: false, parsed: null });
    expect(verifyAnswer(p, 'answer: 843')).toEqual({ correct: false, parsed: null });
  });

  test('bad arguments', () => {
    expect(() => verifyAnswer('8a', 'Answer: 8')).toThrow(/expected must be/);
    expect(() => verifyAnswer(p, 5 as unknown as string)).toThrow(/generated must be a string/);
  });
});
