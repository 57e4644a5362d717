// Dataset formats as published: GSM8K, MATH, TRL conversational, chat messages, verl, parquet.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { parsePromptSet } from '../../../src/data/parsePromptSet.ts';
import { parsePromptBytes } from '../../../src/data/parsePromptBytes.ts';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/prompts/${name}`, import.meta.url), 'utf8');
const parse = (name: string, mapping = {}) => parsePromptSet(fixture(name), { filename: name, mapping });

describe('GSM8K', () => {
  const r = parse('gsm8k.jsonl');
  it('answers are the text after ####, rationales the reference CoT (not scored unless asked)', () => {
    expect(r.items.map((i) => i.answer)).toEqual(['72', '15000', '10', '-3', 'We never finish']);
    expect(r.items[0].referenceCot).toBe('Natalia sold 48/2 = 24 clips in May.\nNatalia sold 48+24 = 72 clips altogether in April and May.');
    expect(r.items[0].cot).toBeUndefined();
    expect(r.items[4].referenceCot).toBeUndefined();
  });
  it('reports the schema, the fields and the rule per item', () => {
    expect(r.mapping.schemas).toEqual({ gsm8k: 4, fields: 1 });
    expect(r.mapping.rules).toEqual({ 'gsm8k-####': 4, 'whole-field': 1 });
    expect(r.mapping.fields.question).toEqual({ question: 5 });
    expect(r.mapping.fields.answer).toEqual({ answer: 5 });
    expect(r.mapping.fields.referenceCot).toEqual({ answer: 4 });
    expect(r.mapping.fieldPaths).toEqual(['question', 'answer']);
  });
  it('a forced #### rule turns the record without one into a per-line error; useReferenceCot scores the rationale', () => {
    const f = parse('gsm8k.jsonl', { extraction: 'gsm8k-####', useReferenceCot: true });
    expect(f.items).toHaveLength(4);
    expect(f.errors).toEqual([{ line: 5, reason: 'answer: no "#### answer" in the answer text' }]);
    expect(f.items[1].cot).toBe('12 * 1,250 = 15,000');
    expect(f.mapping.fields.cot).toEqual({ 'answer (reference)': 4 });
    expect(f.mapping.applied).toEqual({ extraction: 'gsm8k-####', useReferenceCot: true });
  });
});

describe('MATH', () => {
  const r = parse('math.jsonl');
  it('answers are the last \\boxed{…} with nested braces; an explicit answer field wins over the solution', () => {
    expect(r.items.map((i) => i.answer)).toEqual(['\\frac{3}{4}', '\\{-2, 2\\}', '4']);
    expect(r.items[0].referenceCot).toBe('We have $\\frac{1}{2} + \\frac{1}{4} = \\frac{2}{4} + \\frac{1}{4} =');
    expect(r.items[2].referenceCot).toBe('Since $4^2 = 16$, the answer is $');
    expect(r.mapping.fields.answer).toEqual({ solution: 2, answer: 1 });
    expect(r.mapping.fields.referenceCot).toEqual({ solution: 3 });
    expect(r.mapping.schemas).toEqual({ math: 3 });
    expect(r.mapping.rules).toEqual({ 'last-boxed': 2, 'whole-field': 1 });
  });
  it('an unclosed \\boxed is a per-line error, not the whole solution taken as the answer', () => {
    expect(r.errors).toEqual([{ line: 4, reason: 'solution: the last \\boxed{ never closes its braces' }]);
  });
});

describe('TRL conversational', () => {
  const r = parse('trl-conversational.jsonl');
  it('the question is the last user message (text parts joined); the answer comes from the completion or a solution field', () => {
    expect(r.items.map((i) => [i.question, i.answer])).toEqual([
      ['What is 6 * 7?', '42'],
      ['What is 2 + 2?', '4'],
      ['Capital of France?', 'Paris'],
    ]);
    expect(r.items[0].referenceCot).toBe('6 * 7 = 42.');
    expect(r.items[2].referenceCot).toBe('It is Paris.');
    expect(r.items.every((i) => i.cot === undefined)).toBe(true);
    expect(r.mapping.schemas).toEqual({ 'trl-conversational': 3 });
    expect(r.mapping.fields.answer).toEqual({ 'completion[assistant]': 2, solution: 1 });
  });
  it('a completion with no marked answer and no answer field is a per-line error naming the fix', () => {
    expect(r.errors).toEqual([{ line: 4, reason: 'completion[assistant] has no "#### answer" or \\boxed{…} and no answer field is present (map one)' }]);
  });
});

describe('chat messages', () => {
  const r = parse('chat-messages.jsonl');
  it('takes the user turn before the last assistant reply', () => {
    expect(r.items.map((i) => [i.id, i.question, i.answer])).toEqual([
      ['line-1', 'What is 10 - 4?', '6'],
      ['multi-turn', 'What is 9 / 3?', '3'],
      ['line-3', 'What is 1 + 1?', '2'],
    ]);
    expect(r.items[1].referenceCot).toBe('Dividing gives');
    expect(r.errors).toEqual([{ line: 4, reason: 'messages hold no user message before the last assistant message' }]);
  });
});

describe('verl', () => {
  const r = parse('verl.jsonl');
  it('the answer is reward_model.ground_truth as given (verl extracts it when building the set)', () => {
    expect(r.items.map((i) => i.answer)).toEqual(['5', '\\frac{3}{4}']);
    expect(r.items[0].question).toMatch(/^Janet has 3 apples/);
    expect(r.mapping.schemas).toEqual({ verl: 2 });
    expect(r.mapping.fields.answer).toEqual({ 'reward_model.ground_truth': 2 });
    expect(r.mapping.fieldPaths).toContain('extra_info.answer');
    expect(r.errors).toEqual([{ line: 3, reason: 'reward_model.ground_truth must be text or a number (found null)' }]);
  });
  it('a mapping override reads nested paths (extra_info.question / extra_info.answer) and extracts from them', () => {
    const m = parse('verl.jsonl', { question: 'extra_info.question', answer: 'extra_info.answer' });
    expect(m.items.map((i) => [i.question, i.answer, i.referenceCot])).toEqual([['Janet has 3 apples and buys 2 more. How many apples?', '5', '3 + 2 = 5']]);
    expect(m.errors.map((e) => [e.line, e.reason])).toEqual([
      [2, 'mapped field "extra_info.question" not found'],
      [3, 'mapped field "extra_info.question" not found'],
    ]);
  });
});

describe('override on CSV', () => {
  it('a mapped column replaces the alias check of the header', () => {
    const csv = 'q,sol\nWhat is 1+1?,"1+1=2\n#### 2"\n';
    expect(parsePromptSet(csv, { filename: 'x.csv' }).fatal).toMatch(/no question column/);
    const r = parsePromptSet(csv, { filename: 'x.csv', mapping: { question: 'q', answer: 'sol' } });
    expect(r.items).toEqual([{ id: 'line-2', line: 2, question: 'What is 1+1?', answer: '2', referenceCot: '1+1=2' }]);
    expect(parsePromptSet(csv, { filename: 'x.csv', mapping: { question: 'q', answer: 'nope' } }).fatal).toMatch(/no "nope" column/);
  });
});

describe('parquet', () => {
  const verlRows = () =>
    parquetWriteBuffer({
      columnData: [
        { name: 'data_source', data: ['openai/gsm8k', 'openai/gsm8k', 'openai/gsm8k'] },
        {
          name: 'prompt',
          data: [
            [{ role: 'user', content: 'What is 2+2?' }],
            [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'What is 3+3?' }],
            [{ role: 'system', content: 'No user turn.' }],
          ],
        },
        { name: 'reward_model', data: [{ style: 'rule', ground_truth: '4' }, { style: 'rule', ground_truth: '6' }, { style: 'rule', ground_truth: '0' }] },
        { name: 'extra_info', data: [{ index: 0n, split: 'train' }, { index: 1n, split: 'train' }, { index: 2n, split: 'train' }] },
      ],
    });

  it('reads a verl parquet file (nested list<struct> and struct columns, snappy) row by row', async () => {
    const r = await parsePromptBytes(new Uint8Array(verlRows()), { filename: 'train.parquet' });
    expect(r.format).toBe('parquet');
    expect(r.unit).toBe('row');
    expect(r.items.map((i) => [i.line, i.question, i.answer])).toEqual([
      [1, 'What is 2+2?', '4'],
      [2, 'What is 3+3?', '6'],
    ]);
    expect(r.errors).toEqual([{ line: 3, reason: 'prompt messages hold no user message' }]);
    expect(r.mapping.schemas).toEqual({ verl: 2 });
  });

  it('reads a GSM8K-style parquet file with INT64 ids, recognised by its magic bytes without an extension', async () => {
    const buf = parquetWriteBuffer({
      columnData: [
        { name: 'id', data: [7n, 8n], type: 'INT64' },
        { name: 'question', data: ['Q one', 'Q two'] },
        { name: 'answer', data: ['a\n#### 1,234', 'b\n#### 5'] },
      ],
    });
    const r = await parsePromptBytes(new Uint8Array(buf), { filename: 'blob' });
    expect(r.items).toEqual([
      { id: '7', line: 1, question: 'Q one', answer: '1234', referenceCot: 'a' },
      { id: '8', line: 2, question: 'Q two', answer: '5', referenceCot: 'b' },
    ]);
  });

  it('a corrupt parquet file is one clear fatal error; text files still go through parsePromptSet', async () => {
    const bytes = new Uint8Array(verlRows()).slice(0, 200);
    const r = await parsePromptBytes(bytes, { filename: 'broken.parquet' });
    expect(r.items).toHaveLength(0);
    expect(r.fatal).toMatch(/^cannot read this parquet file: /);
    const t = await parsePromptBytes(new TextEncoder().encode('{"question":"q","answer":"a"}\n'), { filename: 'x.jsonl' });
    expect(t).toMatchObject({ format: 'jsonl', items: [{ question: 'q', answer: 'a' }] });
  });
});
