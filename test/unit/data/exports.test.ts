import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { toCsv, toJson } from '../../../src/data/index.ts';

const parseBack = (csv: string) => Papa.parse<string[]>(csv, { newline: '\r\n', skipEmptyLines: true }).data;

describe('toCsv', () => {
  it('round-trips through papaparse with quoting of commas, quotes and line breaks', () => {
    const rows = [
      { id: 'a', text: 'plain', score: 0.25 },
      { id: 'b', text: 'comma, "quote"\nnew line\r\nCRLF', score: -1.5 },
      { id: 'c', text: '<script>alert(1)</script>', score: 0 },
    ];
    const csv = toCsv(rows);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(parseBack(csv)).toEqual([
      ['id', 'text', 'score'],
      ['a', 'plain', '0.25'],
      ['b', 'comma, "quote"\nnew line\r\nCRLF', '-1.5'],
      ['c', '<script>alert(1)</script>', '0'],
    ]);
    // RFC 4180 by hand for the quoted cell.
    expect(csv.split('\r\n')[0]).toBe('id,text,score');
    expect(csv).toContain('b,"comma, ""quote""\nnew line\r\nCRLF",-1.5');
  });

  it('guards string cells against formula injection, but not numbers', () => {
    const rows = [
      { v: '=SUM(A1:A2)' }, { v: '+1' }, { v: '-2' }, { v: '@cmd' }, { v: '\tx' }, { v: -3 }, { v: 'a=b' },
      { v: '=HYPERLINK("http://x","y")' },
    ];
    expect(parseBack(toCsv(rows)).map((r) => r[0])).toEqual([
      'v', "'=SUM(A1:A2)", "'+1", "'-2", "'@cmd", "'\tx", '-3', 'a=b', `'=HYPERLINK("http://x","y")`,
    ]);
  });

  it('uses given columns, the union of keys otherwise, and writes empty/boolean/object cells', () => {
    const rows = [{ a: 1, b: null }, { c: true, a: undefined, d: { x: [1, 2] } }];
    expect(parseBack(toCsv(rows))).toEqual([
      ['a', 'b', 'c', 'd'],
      ['1', '', '', ''],
      ['', '', 'true', '{"x":[1,2]}'],
    ]);
    expect(parseBack(toCsv(rows, ['c', 'a']))).toEqual([['c', 'a'], ['', '1'], ['true', '']]);
    expect(toCsv([], ['x'])).toBe('x\r\n');
  });

  it('rejects bad rows and columns', () => {
    expect(() => toCsv([{ a: 1 }, 5 as unknown as Record<string, unknown>])).toThrow(/rows\[1\] must be an object/);
    expect(() => toCsv([{ a: 1 }], ['a', 'a'])).toThrow(/columns\[1\] repeats column "a"/);
    expect(() => toCsv([{ a: 1 }], ['a', ''])).toThrow(/columns\[1\]/);
  });
});

describe('toJson', () => {
  it('writes pretty JSON with typed arrays as arrays', () => {
    const s = toJson({ a: new Float32Array([0.5, 1]), b: [1, 'x'] });
    expect(JSON.parse(s)).toEqual({ a: [0.5, 1], b: [1, 'x'] });
    expect(s).toBe('{\n  "a": [\n    0.5,\n    1\n  ],\n  "b": [\n    1,\n    "x"\n  ]\n}\n');
  });
  it('refuses non-finite numbers, naming the path', () => {
    expect(() => toJson({ t: { J: [-1, NaN] } })).toThrow(/\$\.t\.J\[1\] = NaN/);
    expect(() => toJson([Infinity])).toThrow(/\$\[0\] = Infinity/);
  });
});
