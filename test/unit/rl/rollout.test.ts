import { describe, expect, it } from 'vitest';
import { parseRollout } from '../../../src/rl/rollout.ts';
import { buildPolicyBatch } from '../../../src/rl/batch.ts';
import { problemFrom } from '../../../src/task/problem.ts';
import { toyTokenizer } from '../../../src/task/tokenizer.ts';

describe('parseRollout', () => {
  it('splits CoT from the answer, segments it, finds backtracking, verifies', () => {
    const completion = toyTokenizer.encode('3+4=7\n\nwait, 3+4=7\n\nAnswer: 7<eos>');
    const entropy = completion.map((_, t) => t / 10);
    const r = parseRollout(0, problemFrom(3, 4), [1], completion, entropy, '\n\n');
    expect(r.cot).toBe('3+4=7\n\nwait, 3+4=7\n\n');
    expect(r.cotTokens).toBe(20); // one token per character: 7 + 13
    expect(r.segments).toEqual([{ start: 0, end: 7 }, { start: 7, end: 20 }]);
    expect(r.tokenSpans).toEqual([{ start: 0, end: 7 }, { start: 7, end: 20 }]);
    expect(r.firstTokenEntropy).toEqual([0, 0.7]);
    expect(r.backtracking).toEqual([1]);
    expect(r.reward).toBe(1);
  });
  it('a wrong answer gets reward 0; no marker → the CoT runs to <eos>', () => {
    const wrong = toyTokenizer.encode('3+4=7\n\nAnswer: 8<eos>');
    expect(parseRollout(0, problemFrom(3, 4), [1], wrong, wrong.map(() => 1), '\n\n').reward).toBe(0);
    const none = toyTokenizer.encode('3+4=7<eos>');
    const r = parseRollout(0, problemFrom(3, 4), [1], none, none.map(() => 1), '\n\n');
    expect(r.cot).toBe('3+4=7');
    expect(r.reward).toBe(0);
  });
  it('names the rollout whose entropies do not match', () => {
    expect(() => parseRollout(4, problemFrom(1, 2), [1], [6, 7], [1], '\n\n')).toThrow(/group 4/);
  });
});

describe('buildPolicyBatch', () => {
  it('shifts by one, masks the prompt and padding, places each advantage on the position predicting its token', () => {
    const b = buildPolicyBatch([[1, 10], [1]], [[11, 12], [13]], [[0.5, -1], [2]], 8);
    expect(b.T).toBe(3);
    expect(Array.from(b.inputs)).toEqual([1, 10, 11, 1, 0, 0]);
    expect(Array.from(b.targets)).toEqual([-1, 11, 12, 13, -1, -1]);
    expect(Array.from(b.mask)).toEqual([0, 1, 1, 1, 0, 0]);
    expect(Array.from(b.advantages)).toEqual([0, 0.5, -1, 2, 0, 0]);
  });
  it('rejects a batch longer than the block', () => {
    expect(() => buildPolicyBatch([[1, 2, 3]], [[4, 5]], [[0, 0]], 3)).toThrow(/blockSize/);
  });
});
