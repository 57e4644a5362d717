// Parses an uploaded prompt set (JSONL, JSON or CSV; parquet in parsePromptBytes.ts) into
// PromptItems with a per-line report and a report of how the fields were mapped.
import { looksLikeJsonl, parseJsonl } from './parseJsonl.ts';
import { parseJson } from './parseJson.ts';
import { parseCsv } from './parseCsv.ts';
import { itemFromRecord, type FieldMapping, type PromptItem } from './promptItem.ts';
import { MappingTally, type MappingReport } from './mappingReport.ts';
import type { RecordSink } from './recordSink.ts';
import { binaryReason, stripBom } from './textChecks.ts';

export type PromptSetFormat = 'jsonl' | 'json' | 'csv' | 'parquet';

export interface PromptSetError {
  /** 1-based line where the bad record (or the file-level problem) starts. */
  line: number;
  reason: string;
}

export interface ParsedPromptSet {
  format: PromptSetFormat;
  /** The good records, in file order. */
  items: PromptItem[];
  /** One entry per bad record or file-level problem, in file order of discovery. */
  errors: PromptSetError[];
  /** Records seen (good + bad), blank lines excluded. */
  total: number;
  /** Set when nothing usable was found: a summary naming the first few reasons; else null. */
  fatal: string | null;
  /** How fields became question / answer / CoT, and which extraction rule applied. */
  mapping: MappingReport;
  /** What `line` counts in errors and items: text lines, or parquet rows. */
  unit: 'line' | 'row';
}

export const EXTENSIONS: Record<string, PromptSetFormat> = { jsonl: 'jsonl', ndjson: 'jsonl', json: 'json', csv: 'csv', tsv: 'csv', parquet: 'parquet' };
const FATAL_REASONS_SHOWN = 3;

/**
 * Parses `text` (already decoded, e.g. from File.text()). The format is `opts.format`, else the
 * filename's extension, else sniffed from the content ('[' → JSON; '{' whose first line is a
 * whole object → JSONL, other '{' → JSON; anything else → CSV). A file named .json that holds
 * JSON Lines is read as JSONL. Good records parse even when others fail; never throws on bad data.
 */
export function parsePromptSet(
  text: string,
  opts: { filename?: string; format?: Exclude<PromptSetFormat, 'parquet'>; mapping?: FieldMapping } = {},
): ParsedPromptSet {
  if (typeof text !== 'string') throw new TypeError('text must be a string (decode the file first)');
  if (opts.format !== undefined && !['jsonl', 'json', 'csv'].includes(opts.format)) {
    throw new RangeError(`opts.format must be 'jsonl', 'json' or 'csv' (got ${String(opts.format)})`);
  }
  const mapping = opts.mapping ?? {};
  const body = stripBom(text);
  const ext = /\.([a-z0-9]+)$/i.exec(opts.filename ?? '')?.[1].toLowerCase();
  const fromExt = ext !== undefined ? EXTENSIONS[ext] : undefined;
  const format: PromptSetFormat = opts.format ?? (fromExt === 'parquet' ? undefined : fromExt) ?? sniffFormat(body);
  const { result, sink, finish } = promptSetCollector(format, mapping, 'line');

  const binary = binaryReason(body);
  if (binary !== null) return fail(finish(), binary);
  if (body.trim().length === 0) return fail(finish(), 'file is empty');

  if (format === 'jsonl') parseJsonl(body, sink);
  else if (format === 'csv') parseCsv(body, sink, { delimiter: ext === 'tsv' ? '\t' : ',', mapped: mapping });
  else {
    const json = parseJson(body, sink);
    if (!json.ok) {
      if (opts.format === undefined && looksLikeJsonl(body)) {
        result.format = 'jsonl'; // a .json file holding JSON Lines
        parseJsonl(body, sink);
      } else {
        sink.fileError(1, `invalid JSON: ${json.message}`);
      }
    }
  }

  return finish();
}

/**
 * The record sink every format feeds (items, per-line errors, duplicate ids, the mapping tally)
 * and `finish`, which fills in the mapping report and the fatal summary when nothing was usable.
 */
export function promptSetCollector(format: PromptSetFormat, mapping: FieldMapping, unit: 'line' | 'row') {
  const tally = new MappingTally(mapping);
  const result: ParsedPromptSet = { format, items: [], errors: [], total: 0, fatal: null, mapping: tally.done(), unit };
  const seenIds = new Map<string, number>();
  const sink: RecordSink = {
    record(value, line) {
      result.total++;
      tally.see(value);
      const r = itemFromRecord(value, line, mapping);
      if ('reason' in r) return void result.errors.push({ line, reason: r.reason });
      const firstLine = seenIds.get(r.item.id);
      if (firstLine !== undefined) {
        return void result.errors.push({ line, reason: `duplicate id "${r.item.id}" (first at ${unit} ${firstLine})` });
      }
      seenIds.set(r.item.id, line);
      tally.add(r.mapping);
      result.items.push(r.item);
    },
    error(line, reason) {
      result.total++;
      result.errors.push({ line, reason });
    },
    fileError(line, reason) {
      result.errors.push({ line, reason });
    },
  };
  const finish = (): ParsedPromptSet => {
    result.mapping = tally.done();
    if (result.items.length === 0) {
      const shown = result.errors.slice(0, FATAL_REASONS_SHOWN).map((e) => `${unit} ${e.line}: ${e.reason}`);
      const more = result.errors.length > FATAL_REASONS_SHOWN ? `; … ${result.errors.length - FATAL_REASONS_SHOWN} more` : '';
      result.fatal =
        `no valid prompts found in this ${result.format.toUpperCase()} file (${result.total} records, ` +
        `${result.errors.length} problems)` + (shown.length ? `: ${shown.join('; ')}${more}` : '');
    }
    return result;
  };
  return { result, sink, finish };
}

function sniffFormat(body: string): Exclude<PromptSetFormat, 'parquet'> {
  const first = /\S/.exec(body.slice(0, 4096))?.[0];
  if (first === '[') return 'json';
  if (first === '{') return looksLikeJsonl(body) ? 'jsonl' : 'json';
  return 'csv';
}

function fail(result: ParsedPromptSet, reason: string): ParsedPromptSet {
  result.errors.push({ line: 1, reason });
  result.fatal = reason;
  return result;
}
