// The segment-delimiter setting (text + "is a regex" flag) as segmentCot expects it. Pure; the
// settings store and the model worker both read it.
import { DEFAULT_DELIMITER } from '../repro/index.ts';

/** The delimiter setting as segmentCot expects it (undefined = the repro-method.md §2 default). */
export function delimiterOf(s: { delimiter: string; delimiterIsRegex: boolean }): string | RegExp | undefined {
  if (s.delimiter === '') return undefined;
  return s.delimiterIsRegex ? new RegExp(s.delimiter) : s.delimiter;
}

/**
 * Does this CoT hold several non-empty lines but no blank line? Then the default delimiter reads it
 * as one segment (K = 1, a two-point J trajectory) although its steps sit on separate lines, as
 * GSM8K's rationales do.
 */
export function singleNewlineOnly(cot: string): boolean {
  if (DEFAULT_DELIMITER.test(cot)) return false; // repro-method.md §2: blank lines split it already
  return cot.split(/\r?\n/).filter((l) => l.trim() !== '').length >= 2;
}

/** The delimiter single newlines split at: what the batch screen proposes for such CoTs. */
export const SINGLE_NEWLINE = '\n';

/** The delimiter setting in words, for the screen and the exports (never a raw control character). */
export function delimiterLabel(s: { delimiter: string; delimiterIsRegex: boolean }): string {
  if (s.delimiter === '') return 'blank lines';
  if (s.delimiter === SINGLE_NEWLINE && !s.delimiterIsRegex) return 'single newline';
  return `${s.delimiterIsRegex ? 'RegExp ' : ''}${JSON.stringify(s.delimiter)}`;
}
