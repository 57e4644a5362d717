// A JSON file: an array of records, an object wrapping one such array, or a single record.
import { jsonElementLines } from './jsonElementLines.ts';
import type { RecordSink } from './recordSink.ts';

/** Property names under which a wrapping object may hold the record array. */
export const WRAPPER_KEYS = ['data', 'items', 'examples', 'rows', 'records', 'prompts', 'problems', 'questions'];

/**
 * Feeds each element of the record array to `sink` with the line where it starts. Returns false
 * (feeding nothing) when the text is not valid JSON, so the caller can report or fall back.
 */
export function parseJson(text: string, sink: RecordSink): { ok: true } | { ok: false; message: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, message: (e as Error).message };
  }
  if (Array.isArray(value)) {
    feed(value, jsonElementLines(text, null), sink);
  } else if (value !== null && typeof value === 'object') {
    const wrapper = Object.keys(value).find(
      (k) => WRAPPER_KEYS.includes(k.toLowerCase()) && Array.isArray((value as Record<string, unknown>)[k]),
    );
    if (wrapper !== undefined) feed((value as Record<string, unknown[]>)[wrapper], jsonElementLines(text, wrapper), sink);
    else sink.record(value, firstContentLine(text)); // a single record
  } else {
    sink.fileError(1, `JSON top level must be an array of objects (found ${value === null ? 'null' : typeof value})`);
  }
  return { ok: true };
}

function feed(values: unknown[], lines: number[], sink: RecordSink): void {
  for (let i = 0; i < values.length; i++) sink.record(values[i], lines[i] ?? 1);
}

function firstContentLine(text: string): number {
  const m = /\S/.exec(text);
  if (!m) return 1;
  let line = 1;
  for (let i = 0; i < m.index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
