// Checks on raw file text before any format parser sees it.

/** Drops a leading UTF-8 byte-order mark. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** 1-based line of a char offset (counts "\n"; a CRLF file numbers the same). */
export function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let at = text.indexOf('\n'); at >= 0 && at < offset; at = text.indexOf('\n', at + 1)) line++;
  return line;
}

const SAMPLE_CHARS = 65_536;

/**
 * A reason when `text` looks like binary data rather than a text file: any NUL character, or
 * (in the first 64 Ki chars) more than 1 % U+FFFD replacement characters (what a UTF-8 decoder
 * makes of invalid bytes) or control characters other than tab, newline, CR and form feed.
 * Null when it looks like text.
 */
export function binaryReason(text: string): string | null {
  const nul = text.indexOf('\u0000');
  if (nul >= 0) {
    return `file looks binary (NUL byte at line ${lineOf(text, nul)}); expected UTF-8 text: JSONL, JSON or CSV`;
  }
  const n = Math.min(text.length, SAMPLE_CHARS);
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0xfffd || (c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12)) bad++;
  }
  if (bad >= 4 && bad > n * 0.01) {
    return (
      `file looks binary (${bad} invalid UTF-8 or control characters in the first ${n} characters); ` +
      'expected UTF-8 text: JSONL, JSON or CSV'
    );
  }
  return null;
}
