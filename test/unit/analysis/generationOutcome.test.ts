// Silent failures 2 and 3 of issue #10: a generated "…Answer: 75<eos>" yields a CoT without the
// answer line, the answer on its own, and the stop reason the decoding loop reported.
import { expect, test } from 'vitest';
import { cotWithoutAnswerLine, describeStop, generationOutcome } from '../../../src/analysis/generationOutcome.ts';

const toy = { probe: 'Answer: ', thinking: false };

test('an answer after the marker never enters the CoT; EOS at 27 of 256 tokens reads as end of sequence, answer complete', () => {
  const o = generationOutcome('7+8=15\n\n3+4+1=8\n\nAnswer: 85', { ...toy, reason: 'eos', cappedByContext: false });
  expect(o).toEqual({ cot: '7+8=15\n\n3+4+1=8\n\n', modelAnswer: '85', answerComplete: true, stopped: 'eos' });
  expect(describeStop(o, 27, 256)).toBe('end of sequence at 27 of 256 tokens, answer complete');
});

test('the budget ran out before any answer: max-tokens, no answer; cut by the context it reads context-full', () => {
  const o = generationOutcome('7+8=15\n\n3+4', { ...toy, reason: 'max-tokens', cappedByContext: false });
  expect(o).toEqual({ cot: '7+8=15\n\n3+4', modelAnswer: '', answerComplete: false, stopped: 'max-tokens' });
  expect(describeStop(o, 12, 12)).toBe('max tokens (12) reached, no answer written');
  const c = generationOutcome('7+8=15', { ...toy, reason: 'max-tokens', cappedByContext: true });
  expect(c.stopped).toBe('context-full');
  expect(describeStop(c, 110, 110)).toBe("the model's context is full after 110 tokens, no answer written");
  expect(generationOutcome('x', { ...toy, reason: 'cancelled', cappedByContext: true }).stopped).toBe('cancelled');
});

test('a pasted CoT that ends with the answer line is detected and can be stripped; a clean one is not flagged', () => {
  expect(cotWithoutAnswerLine('7+5=12\n\n3+6+1=10\n\nAnswer: 102', 'Answer: ', false)).toEqual({ marker: 'Answer:', cot: '7+5=12\n\n3+6+1=10' });
  expect(cotWithoutAnswerLine('7+5=12\n\n3+6+1=10\n\n', 'Answer: ', false)).toBeNull();
  expect(cotWithoutAnswerLine('think\n</think>\n\nThe final answer is \\boxed{3}', '\n</think>\n\nThe final answer is \\boxed{', true)).toEqual({ marker: '</think>', cot: 'think' });
});
