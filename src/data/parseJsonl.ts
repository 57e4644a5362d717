// JSON Lines: one JSON object per line; blank lines are skipped.
import type { RecordSink } from './recordSink.ts';

/** Feeds each non-blank line to `sink`; a single pass with indexOf, no O(n²) on huge files. */
export function parseJsonl(text: string, sink: RecordSink): void {
  let line = 0;
  for (let start = 0; start <= text.length; ) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    line++;
    const raw = text.slice(start, end).trim(); // also drops a CR of CRLF
    start = end + 1;
    if (raw.length === 0) continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      sink.error(line, `invalid JSON at line ${line}: ${(e as Error).message}`);
      continue;
    }
    sink.record(value, line);
  }
}

/**
 * True when the text reads as JSON Lines rather than one JSON document: the first non-blank line
 * is a complete JSON object, or the first two non-blank lines each look like one ("{…}").
 */
export function looksLikeJsonl(text: string): boolean {
  const lines: string[] = [];
  for (let start = 0; start < text.length && lines.length < 2; ) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const l = text.slice(start, end).trim();
    if (l.length > 0) lines.push(l);
    start = end + 1;
  }
  if (lines.length === 0) return false;
  if (isJsonObject(lines[0])) return true;
  return lines.length === 2 && lines.every((l) => l.startsWith('{') && l.endsWith('}'));
}

function isJsonObject(line: string): boolean {
  try {
    const v: unknown = JSON.parse(line);
    return v !== null && typeof v === 'object' && !Array.isArray(v);
  } catch {
    return false;
  }
}
