// CoTs whose steps sit on single lines (GSM8K rationales) are told apart from those the default
// delimiter segments, and the single-newline delimiter the batch screen proposes splits them per line.
import { expect, test } from 'vitest';
import { delimiterLabel, delimiterOf, SINGLE_NEWLINE, singleNewlineOnly } from '../../../src/analysis/delimiter.ts';
import { segmentCot } from '../../../src/repro/index.ts';

// GSM8K test line 1's rationale (before "####"): two steps, one per line, no blank line.
const GSM8K = 'Janet sells 16 - 3 - 4 = <<16-3-4=9>>9 duck eggs a day.\nShe makes 9 * 2 = $<<9*2=18>>18 every day at the farmer’s market.';

test('several lines without a blank line: one segment by default, one per line at single newlines', () => {
  expect(singleNewlineOnly(GSM8K)).toBe(true);
  expect(segmentCot(GSM8K, { delimiter: delimiterOf({ delimiter: '', delimiterIsRegex: false }) })).toHaveLength(1);
  const spans = segmentCot(GSM8K, { delimiter: delimiterOf({ delimiter: SINGLE_NEWLINE, delimiterIsRegex: false }) });
  expect(spans.map((s) => GSM8K.slice(s.start, s.end))).toEqual([GSM8K.split('\n')[0] + '\n', GSM8K.split('\n')[1]]);
});

test('no proposal for a CoT the default delimiter already splits, a single line, or blank-only lines', () => {
  expect(singleNewlineOnly('7+5=12\n\n3+6+1=10\n\n')).toBe(false);
  expect(singleNewlineOnly('a\n \t\nb')).toBe(false); // a whitespace-only line is a blank line (§2)
  expect(singleNewlineOnly('7+5=12')).toBe(false);
  expect(singleNewlineOnly('7+5=12\n')).toBe(false);
  expect(singleNewlineOnly('a\r\nb')).toBe(true);
});

test('the delimiter in words, never a raw control character', () => {
  expect(delimiterLabel({ delimiter: '', delimiterIsRegex: false })).toBe('blank lines');
  expect(delimiterLabel({ delimiter: '\n', delimiterIsRegex: false })).toBe('single newline');
  expect(delimiterLabel({ delimiter: '\\n', delimiterIsRegex: true })).toBe('RegExp "\\\\n"');
  expect(delimiterLabel({ delimiter: '---', delimiterIsRegex: false })).toBe('"---"');
});
