import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePromptSet } from '../../../src/data/index.ts';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/prompts/${name}`, import.meta.url), 'utf8');

describe('parsePromptSet: formats and aliases', () => {
  it('reads JSONL with case-insensitive aliases, numeric answers and blank lines', () => {
    const r = parsePromptSet(fixture('mixed-aliases.jsonl'), { filename: 'mixed-aliases.jsonl' });
    expect(r.format).toBe('jsonl');
    expect(r.errors).toEqual([]);
    expect(r.fatal).toBeNull();
    expect(r.total).toBe(3); // the blank line is not a record
    expect(r.items).toEqual([
      { id: 'a1', line: 1, question: 'What is 2 + 3?', answer: '5' },
      { id: 'line-2', line: 2, question: 'What is 7 * 6?', answer: '42', cot: '7 * 6 = 42.\n\nSo the answer is 42.' },
      { id: 'line-4', line: 4, question: 'Name the capital of France.', answer: 'Paris' },
    ]);
  });

  it('reads a JSON array with the line where each element starts', () => {
    const r = parsePromptSet(fixture('array.json'), { filename: 'array.json' });
    expect(r.format).toBe('json');
    expect(r.items.map((i) => [i.line, i.question, i.answer])).toEqual([
      [2, 'What is 10 - 4?', '6'],
      [3, 'What is 3^2?', '9'],
    ]);
    expect(r.errors).toEqual([{ line: 7, reason: expect.stringMatching(/^missing answer field .*found keys: "question"/) }]);
    expect(r.total).toBe(3);
  });

  it('reads a JSON object wrapping the array, and a single JSON object', () => {
    const wrapped = '{\n "meta": [1, 2],\n "data": [\n  {"question": "q1", "answer": "a"},\n  {"question": "q2", "answer": "b"}\n ]\n}';
    const r = parsePromptSet(wrapped);
    expect(r.format).toBe('json');
    expect(r.items.map((i) => [i.line, i.question])).toEqual([[4, 'q1'], [5, 'q2']]);
    const single = parsePromptSet('\n{\n  "question": "only",\n  "answer": "one"\n}\n');
    expect(single.items).toEqual([{ id: 'line-2', line: 2, question: 'only', answer: 'one' }]);
  });

  it('reads CSV with quoted commas, doubled quotes and line breaks (CRLF)', () => {
    const r = parsePromptSet(fixture('quoted.csv'), { filename: 'quoted.csv' });
    expect(r.format).toBe('csv');
    expect(r.errors).toEqual([]);
    expect(r.items).toEqual([
      { id: 'c1', line: 2, question: 'Add 1, 2 and 3.', answer: '6' },
      { id: 'c2', line: 3, question: 'Say "hi"', answer: 'hi' },
      { id: 'c3', line: 4, question: 'Two\nlines', answer: 'x' },
    ]);
  });

  it('sniffs the format from content when there is no filename', () => {
    expect(parsePromptSet('{"question":"a","answer":"b"}\n{"question":"c","answer":"d"}').format).toBe('jsonl');
    expect(parsePromptSet('[{"question":"a","answer":"b"}]').format).toBe('json');
    expect(parsePromptSet('question,answer\na,b').format).toBe('csv');
    // The explicit format wins over the extension.
    expect(parsePromptSet('question,answer\na,b', { filename: 'x.json', format: 'csv' }).items).toHaveLength(1);
  });

  it('reads JSON Lines in a file named .json', () => {
    const r = parsePromptSet('{"question":"a","answer":"b"}\n{"question":"c","answer":"d"}\n', { filename: 'x.json' });
    expect(r.format).toBe('jsonl');
    expect(r.items).toHaveLength(2);
  });

  it('reads TSV by extension', () => {
    const r = parsePromptSet('question\tanswer\nWhat, then?\t4\n', { filename: 'set.TSV' });
    expect(r.items).toEqual([{ id: 'line-2', line: 2, question: 'What, then?', answer: '4' }]);
  });
});

describe('parsePromptSet: per-line errors', () => {
  it('reports specific reasons per line while good lines still parse', () => {
    const text = [
      '{"question": "ok", "answer": "1"}', // 1 good
      '{"question": "broken", ', // 2 invalid JSON
      '{"q": "x", "a": "y"}', // 3 wrong field names
      '[1, 2]', // 4 not an object
      '{"question": "x", "answer": "   "}', // 5 whitespace-only answer
      '{"question": "", "answer": "1"}', // 6 empty question
      '{"question": {"t": 1}, "answer": "1"}', // 7 question not text
      '{"question": "y", "answer": null}', // 8 answer null
      '{"id": "dup", "question": "a", "answer": "1"}', // 9 good
      '{"id": "dup", "question": "b", "answer": "2"}', // 10 duplicate id
      '"just a string"', // 11 not an object
      '{"question": "ok2", "answer": 3.5, "cot": 7}', // 12 cot not text
    ].join('\n');
    const r = parsePromptSet(text, { filename: 'bad.jsonl' });
    expect(r.items.map((i) => i.line)).toEqual([1, 9]);
    expect(r.total).toBe(12);
    expect(r.fatal).toBeNull();
    const byLine = Object.fromEntries(r.errors.map((e) => [e.line, e.reason]));
    expect(Object.keys(byLine).map(Number)).toEqual([2, 3, 4, 5, 6, 7, 8, 10, 11, 12]);
    expect(byLine[2]).toMatch(/^invalid JSON at line 2: /);
    expect(byLine[3]).toBe(
      'missing question field (expected one of question, problem, prompt, input, or chat messages under prompt/messages; found keys: "q", "a")',
    );
    expect(byLine[4]).toBe('not an object (found array)');
    expect(byLine[5]).toBe('answer empty (only whitespace)');
    expect(byLine[6]).toBe('question empty');
    expect(byLine[7]).toBe('question must be text (found object)');
    expect(byLine[8]).toBe('answer must be text or a number (found null)');
    expect(byLine[10]).toBe('duplicate id "dup" (first at line 9)');
    expect(byLine[11]).toBe('not an object (found string)');
    expect(byLine[12]).toBe('cot must be text (found number)');
  });

  it('gives an overall error naming the first reasons, and keeps the per-line report', () => {
    const r = parsePromptSet('{"a":1}\n{"b":2}\nnope\n{"c":3}\n', { filename: 'x.jsonl' });
    expect(r.items).toEqual([]);
    expect(r.errors).toHaveLength(4);
    expect(r.fatal).toMatch(/^no valid prompts found in this JSONL file \(4 records, 4 problems\): line 1: missing question/);
    expect(r.fatal).toMatch(/line 3: invalid JSON at line 3/);
    expect(r.fatal).toMatch(/… 1 more$/);
  });

  it('reports invalid JSON documents, an empty file and a bad CSV header', () => {
    const json = parsePromptSet('[{"question": "a", "answer": "b"},', { filename: 'x.json' });
    expect(json.errors[0].reason).toMatch(/^invalid JSON: /);
    expect(json.fatal).toMatch(/no valid prompts/);
    for (const empty of ['', '   \n\n', '\ufeff']) {
      expect(parsePromptSet(empty).fatal).toBe('file is empty');
    }
    const csv = parsePromptSet('q,a\nx,y\n', { filename: 'x.csv' });
    expect(csv.errors[0]).toEqual({
      line: 1,
      reason: 'CSV header has no question column (expected one of question, problem, prompt, input; found: "q", "a")',
    });
    expect(csv.fatal).toMatch(/no valid prompts/);
  });

  it('reports CSV rows with the wrong field count or broken quotes, with their lines', () => {
    const text = 'question,answer\n"a, b",1\nc,2,extra\n\nd,"unterminated\ne,5\n';
    const r = parsePromptSet(text, { filename: 'x.csv' });
    expect(r.items.map((i) => [i.line, i.question])).toEqual([[2, 'a, b']]);
    expect(r.errors[0]).toEqual({ line: 3, reason: 'CSV row has 3 fields but the header has 2' });
    expect(r.errors[1].line).toBe(5);
    expect(r.errors[1].reason).toMatch(/CSV row at line 5: .*unterminated/i);
  });

  it('rejects a bad format option', () => {
    expect(() => parsePromptSet('x', { format: 'xml' as 'csv' })).toThrow(/opts.format/);
    expect(() => parsePromptSet(5 as unknown as string)).toThrow(/text must be a string/);
  });
});
