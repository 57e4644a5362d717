// JSON Lines export: one compact JSON object per line, the format most dataset tools stream.
import { toJson } from './toJson.ts';

/**
 * Rows → JSONL text ("\n" line ends, trailing newline). Each row goes through toJson's checks, so
 * a non-finite number is refused with its row and path instead of silently written as null.
 */
export function toJsonl(rows: readonly unknown[]): string {
  if (!Array.isArray(rows)) throw new TypeError('rows must be an array');
  let out = '';
  for (let i = 0; i < rows.length; i++) {
    try {
      out += toJson(rows[i], { indent: 0 });
    } catch (e) {
      throw new RangeError(`row ${i}: ${(e as Error).message}`);
    }
  }
  return out;
}
