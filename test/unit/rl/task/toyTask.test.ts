// The toy addition task as an RlTask: its training stream is the problem stream the trainer drew
// before the split (makeProblem on xoshiro128** seeded by the run's seed), its held-out set is
// heldOutProblems(HELDOUT_SEED), disjoint from training; its verifier is the toy's on the toy format
// and the batch screen's extraction + match on a chat model's; stream states resume exactly.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../../src/sampling/rng.ts';
import { heldOutProblems, isHeldOut, makeProblem, problemFrom } from '../../../../src/task/problem.ts';
import { verifyAnswer } from '../../../../src/task/verify.ts';
import { classifySegments } from '../../../../src/task/classify.ts';
import { segmentCot } from '../../../../src/repro/segmentCot.ts';
import { HELDOUT_SEED, ToyTask } from '../../../../src/rl/task/toyTask.ts';
import { TOY_FORMAT } from '../../../../src/rl/task/toyFormat.ts';
import { toyTaskSettings } from '../../../../src/rl/task/settings.ts';
import type { ModelFormat } from '../../../../src/rl/task/types.ts';
import { toyTokenizer } from '../../../../src/task/tokenizer.ts';

/** A chat model's format as far as the toy task's verifier reads it (finalAnswer only). */
const chatLike = (finalAnswer: (t: string) => string): ModelFormat => ({ ...TOY_FORMAT, kind: 'chat', finalAnswer });

describe('ToyTask', () => {
  it('draws the problems the trainer drew: makeProblem on Rng(seed), train split, its digits', () => {
    const task = new ToyTask({ min_digits: 1, max_digits: 3 });
    const stream = task.trainStream(42);
    const rng = new Rng(42);
    for (let i = 0; i < 200; i++) {
      const want = makeProblem(rng, { minDigits: 1, maxDigits: 3, split: 'train' });
      const got = stream.next();
      expect(got).toEqual(want);
      expect(isHeldOut(got.a, got.b)).toBe(false);
    }
  });

  it('holds out heldOutProblems(HELDOUT_SEED, n) of its digits, any n a prefix of a larger one', () => {
    const task = new ToyTask({ min_digits: 2, max_digits: 2 });
    expect(task.heldOut(16)).toEqual(heldOutProblems(HELDOUT_SEED, 16, { minDigits: 2, maxDigits: 2 }));
    expect(task.heldOut(5)).toEqual(task.heldOut(16).slice(0, 5));
    expect(task.heldOut(40).every((p) => isHeldOut(p.a, p.b))).toBe(true);
  });

  it('a stream state resumes exactly; a one-word (mulberry32) state reseeds with a note; garbage is refused', () => {
    const task = new ToyTask();
    const a = task.trainStream(7);
    for (let i = 0; i < 5; i++) a.next();
    const state = JSON.parse(JSON.stringify(a.getState()));
    const next = [a.next(), a.next(), a.next()];
    const b = task.trainStream(999);
    expect(b.setState(state)).toBeNull();
    expect([b.next(), b.next(), b.next()]).toEqual(next);

    const c = task.trainStream(0);
    expect(c.setState(3_000_000_123)).toMatch(/older version \(task PRNG mulberry32\)/);
    expect(c.getState()).toEqual(new Rng(3_000_000_123).getState());
    expect(() => c.setState([1, 2])).toThrow(/4 uint32 words/);
  });

  it('toy format: the reward is the toy verifier; a chat format: the batch screen\'s answer match', () => {
    const task = new ToyTask();
    const p = problemFrom(457, 386);
    for (const text of ['7+6=13\n\nAnswer: 843<eos>', 'Answer: 0843<eos>', 'Answer: 843.<eos>', 'Answer: 842<eos>', '7+6=13', 'Answer: 8 43']) {
      expect(task.reward(p, text, TOY_FORMAT), text).toBe(verifyAnswer(p, text).correct ? 1 : 0);
    }
    expect(task.reward(p, 'Answer: 843.<eos>', TOY_FORMAT)).toBe(0); // the toy model is held to a plain number
    expect(task.reward(p, 'x', chatLike(() => '843.'))).toBe(1); // a chat model's "843." matches by value
    expect(task.reward(p, 'x', chatLike(() => '\\$843\\$'))).toBe(0);
    expect(task.reward(p, 'x', chatLike(() => '844'))).toBe(0);
    expect(task.reward(p, 'x', chatLike(() => ''))).toBe(0);
  });

  it('classifies segments with the toy classifier (problem-aware), the §10 markers marking backtracking', () => {
    const task = new ToyTask();
    const p = problemFrom(457, 386);
    const cot = '7+6=13\n\nwait, 7+6=13 yes\n\n5+8+1=14\n\n4+3+1=8\n\n';
    const spans = segmentCot(cot);
    const got = task.classify(cot, spans, p);
    expect(got).toEqual(classifySegments(cot, { spans, problem: p }));
    expect(got.map((l) => l.kind)).toEqual(['step', 'redundant', 'step', 'step']);
    expect(got.map((l) => l.backtracking)).toEqual([false, true, false, false]);
  });

  it('prompts and ids of the toy format are the toy model\'s: "<bos>question\\n", stop <eos>, probe "Answer: "', () => {
    const task = new ToyTask();
    const p = problemFrom(12, 34);
    expect(TOY_FORMAT.promptText(task.userText(p))).toBe('<bos>12+34=?\n');
    expect(TOY_FORMAT.promptIds(task.userText(p))).toEqual(toyTokenizer.encode('<bos>12+34=?\n'));
    expect(TOY_FORMAT.stopIds).toEqual([2]);
    expect(TOY_FORMAT.probeTokens('46', { promptText: '', promptIds: [], cot: '', cotIds: [] })).toEqual({ probeIds: toyTokenizer.encode('Answer: '), answerIds: toyTokenizer.encode('46') });
    const ids = toyTokenizer.encode('4+2=6\n\nAnswer: 46<eos>');
    const { text, offsets } = TOY_FORMAT.readCompletion(ids);
    expect(text).toBe('4+2=6\n\nAnswer: 46<eos>');
    expect(offsets).toEqual(ids.map((_, i) => (i <= 17 ? i : 18))); // one char per token; <eos> is 5 chars at 18
    expect(TOY_FORMAT.cotEnd(text)).toBe(7);
    expect(TOY_FORMAT.finalAnswer(text)).toBe('46');
    expect(TOY_FORMAT.finalAnswer('4+2=6')).toBe('');
  });

  it('settings: digits checked by name', () => {
    expect(() => new ToyTask({ min_digits: 0 })).toThrow(/min_digits must be an integer in \[1, 4\]/);
    expect(() => new ToyTask({ min_digits: 3, max_digits: 2 })).toThrow(/max_digits \(2\) must be ≥ min_digits \(3\)/);
    expect(new ToyTask({ max_digits: 4 }).settings).toEqual(toyTaskSettings({ min_digits: 2, max_digits: 4 }));
    expect(new ToyTask().label).toBe('toy addition, 2-digit operands');
  });
});
