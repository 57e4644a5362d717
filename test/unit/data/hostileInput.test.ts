import { describe, expect, it } from 'vitest';
import { parsePromptSet } from '../../../src/data/index.ts';
import { jsonElementLines } from '../../../src/data/jsonElementLines.ts';

describe('parsePromptSet: hostile input', () => {
  it('refuses binary data: NUL bytes or invalid UTF-8', () => {
    const nul = parsePromptSet('{"question":"a","answer":"b"}\nPK\u0003\u0004\u0000\u0000', { filename: 'x.jsonl' });
    expect(nul.fatal).toBe(
      'file looks binary (NUL byte at line 2); expected UTF-8 text: JSONL, JSON or CSV',
    );
    expect(nul.items).toEqual([]);
    expect(nul.errors).toHaveLength(1);
    // What TextDecoder makes of random high bytes: mostly U+FFFD.
    const bytes = Uint8Array.from({ length: 4000 }, (_, i) => 0x80 + ((i * 37) % 0x7f));
    const decoded = new TextDecoder().decode(bytes);
    expect(parsePromptSet(decoded).fatal).toMatch(/^file looks binary \(\d+ invalid UTF-8 or control characters/);
    // One stray replacement character in real text is not binary.
    const ok = parsePromptSet('{"question":"caf\ufffd?","answer":"b"}');
    expect(ok.fatal).toBeNull();
    expect(ok.items[0].question).toBe('caf\ufffd?');
  });

  it('strips a UTF-8 BOM and handles CRLF', () => {
    const jsonl = parsePromptSet('\ufeff{"question":"a","answer":"b"}\r\n\r\n{"question":"c","answer":"d"}\r\n');
    expect(jsonl.format).toBe('jsonl');
    expect(jsonl.items.map((i) => [i.line, i.question, i.answer])).toEqual([[1, 'a', 'b'], [3, 'c', 'd']]);
    const csv = parsePromptSet('\ufeffQuestion,Answer\r\nx,1\r\ny,2\n', { filename: 'a.csv' });
    expect(csv.items.map((i) => [i.line, i.question, i.answer])).toEqual([[2, 'x', '1'], [3, 'y', '2']]);
    const json = parsePromptSet('\ufeff[\r\n{"question":"a","answer":"b"},\r\n{"question":"c","answer":"d"}\r\n]');
    expect(json.items.map((i) => i.line)).toEqual([2, 3]);
  });

  it('keeps <script> and HTML verbatim as text', () => {
    const q = '<script>alert("x")</script><img src=x onerror=alert(1)>';
    const r = parsePromptSet(JSON.stringify({ question: q, answer: '<b>5</b>' }));
    expect(r.items[0].question).toBe(q);
    expect(r.items[0].answer).toBe('<b>5</b>');
    const csv = parsePromptSet(`question,answer\n"${q.replace(/"/g, '""')}",1\n`, { filename: 'x.csv' });
    expect(csv.items[0].question).toBe(q);
  });

  it('coerces numeric and boolean answers to strings, trims answers', () => {
    const r = parsePromptSet('{"question":"a","answer":42}\n{"question":"b","answer":-0.5}\n{"question":"c","answer":true}\n{"question":"d","answer":"  7 "}');
    expect(r.items.map((i) => i.answer)).toEqual(['42', '-0.5', 'true', '7']);
  });

  it('a very long line (8 MB) parses', () => {
    const long = 'x'.repeat(8_000_000);
    const r = parsePromptSet(`{"question":"${long}","answer":"1"}\n{"question":"short","answer":"2"}`);
    expect(r.items).toHaveLength(2);
    expect(r.items[0].question.length).toBe(8_000_000);
    expect(r.items[1].line).toBe(2);
  });

  it('100 000 JSONL lines with some bad ones parse in one pass', () => {
    const lines: string[] = [];
    for (let i = 0; i < 100_000; i++) {
      lines.push(i % 1000 === 999 ? '{"question": oops}' : `{"question":"What is ${i} + 1?","answer":${i + 1}}`);
    }
    const r = parsePromptSet(lines.join('\n'), { filename: 'big.jsonl' });
    expect(r.total).toBe(100_000);
    expect(r.items).toHaveLength(99_900);
    expect(r.errors).toHaveLength(100);
    expect(r.errors[0].line).toBe(1000);
    expect(r.items[99_899]).toMatchObject({ line: 99_999, answer: '99999' });
  }, 60_000); // ~3 s idle; Vitest's 5 s default failed it on a loaded machine (speed is not the property)

  it('a 50 MB file (JSONL and CSV) parses', () => {
    const pad = 'y'.repeat(480);
    const n = 100_000; // ≈ 100 000 × 510 bytes ≈ 51 MB
    const jsonl: string[] = [];
    const csv: string[] = ['question,answer,cot'];
    for (let i = 0; i < n; i++) {
      jsonl.push(`{"question":"q${i}","answer":"${i}","cot":"${pad}"}`);
      csv.push(`q${i},${i},"${pad}, ""quoted"""`);
    }
    const text = jsonl.join('\n');
    expect(text.length).toBeGreaterThan(50_000_000);
    const r = parsePromptSet(text, { filename: 'big.jsonl' });
    expect(r.items).toHaveLength(n);
    const c = parsePromptSet(csv.join('\n'), { filename: 'big.csv' });
    expect(c.errors).toEqual([]);
    expect(c.items).toHaveLength(n);
    expect(c.items[n - 1]).toMatchObject({ line: n + 1, question: `q${n - 1}`, cot: `${pad}, "quoted"` });
  }, 60_000);
});

describe('jsonElementLines', () => {
  it('finds element starts past strings holding brackets, commas, escaped quotes', () => {
    const text = '[\n{"q": "a, [b] \\" {c}"},\n\n  "x",\n [1,\n2], {"k": "\\\\"}\n]';
    JSON.parse(text); // valid
    expect(jsonElementLines(text, null)).toEqual([2, 4, 5, 6]);
    expect(jsonElementLines('[]', null)).toEqual([]);
    expect(jsonElementLines('{"rows": [\n1,\n2]}', 'rows')).toEqual([2, 3]);
  });
});
