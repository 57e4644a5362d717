// CSV with a header row (RFC 4180 quoting via papaparse: quoted commas, newlines, "" quotes).
import Papa from 'papaparse';
import { FIELD_ALIASES } from './promptItem.ts';
import type { RecordSink } from './recordSink.ts';

/**
 * Feeds each data row as an object keyed by the header to `sink`, with the line where the row
 * starts (a quoted field may span lines). Line endings are normalised to "\n" first so a file
 * mixing CRLF and LF still splits into rows. Blank rows are skipped.
 */
export function parseCsv(
  text: string,
  sink: RecordSink,
  opts: { delimiter?: string; mapped?: { question?: string; answer?: string } } = {},
): void {
  const normalized = text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
  let header: string[] | null = null;
  let headerUsable = true;
  let rowStart = 0; // char offset where the current row starts
  let line = 1; // line of rowStart
  let counted = 0; // newlines counted up to this offset

  Papa.parse<string[]>(normalized, {
    delimiter: opts.delimiter ?? ',',
    newline: '\n',
    step: (result) => {
      // Advance the line counter to this row's start (one pass over the text overall).
      for (let at = normalized.indexOf('\n', counted); at >= 0 && at < rowStart; at = normalized.indexOf('\n', at + 1)) {
        line++;
        counted = at + 1;
      }
      const rowLine = line;
      rowStart = result.meta.cursor;
      const row = result.data;
      if (row.length === 1 && row[0].trim() === '') return; // blank line

      const quoteError = result.errors.find((e) => e.type === 'Quotes');
      if (header === null) {
        header = row.map((h) => h.trim());
        headerUsable = checkHeader(header, rowLine, sink, opts.mapped ?? {}) && !quoteError;
        if (quoteError) sink.fileError(rowLine, `CSV header: ${quoteError.message}`);
        return;
      }
      if (!headerUsable) return;
      if (quoteError) {
        sink.error(rowLine, `CSV row at line ${rowLine}: ${quoteError.message}`);
        return;
      }
      if (row.length !== header.length) {
        sink.error(rowLine, `CSV row has ${row.length} fields but the header has ${header.length}`);
        return;
      }
      // Null prototype: a column named "__proto__" or "constructor" is just a column.
      const record = Object.create(null) as Record<string, string>;
      for (let i = 0; i < header.length; i++) if (!Object.hasOwn(record, header[i])) record[header[i]] = row[i];
      sink.record(record, rowLine);
    },
  });
  if (header === null) sink.fileError(1, 'CSV has no header row');
}

/** The header must name a question and an answer column (the mapped ones when given); duplicates are reported. */
function checkHeader(header: string[], line: number, sink: RecordSink, mapped: { question?: string; answer?: string }): boolean {
  const lower = header.map((h) => h.toLowerCase());
  const seen = new Set<string>();
  lower.forEach((h, i) => {
    if (seen.has(h)) sink.fileError(line, `CSV header repeats column "${header[i]}" (the first one is used)`);
    seen.add(h);
  });
  let ok = true;
  for (const field of ['question', 'answer'] as const) {
    const want = mapped[field]?.split('.')[0].trim().toLowerCase();
    if (want !== undefined) {
      if (!seen.has(want)) {
        sink.fileError(line, `CSV header has no "${mapped[field]}" column (mapped as the ${field}; found: ${header.map((h) => JSON.stringify(h)).join(', ')})`);
        ok = false;
      }
      continue;
    }
    if (!FIELD_ALIASES[field].some((a) => seen.has(a))) {
      sink.fileError(
        line,
        `CSV header has no ${field} column (expected one of ${FIELD_ALIASES[field].join(', ')}; ` +
          `found: ${header.map((h) => JSON.stringify(h)).join(', ')})`,
      );
      ok = false;
    }
  }
  return ok;
}
