// CSV export: RFC 4180 quoting with a guard against spreadsheet formula injection.

/** Characters that make a spreadsheet treat a cell as a formula (OWASP CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * Rows → CSV text with a header line, CRLF line ends (RFC 4180). Columns default to the union of
 * the rows' keys in order of first appearance. Cells: null/undefined → empty; numbers and
 * booleans as written (a negative number stays a number); objects as JSON; strings that start
 * with = + - @ (or tab/CR) get a leading ' so a spreadsheet shows them as text, not a formula.
 * Fields holding a quote, comma or line break are quoted, with " doubled.
 */
export function toCsv(rows: Record<string, unknown>[], columns?: string[]): string {
  if (!Array.isArray(rows)) throw new TypeError('rows must be an array of objects');
  rows.forEach((r, i) => {
    if (r === null || typeof r !== 'object' || Array.isArray(r)) throw new TypeError(`rows[${i}] must be an object`);
  });
  const cols = columns ?? unionOfKeys(rows);
  if (!Array.isArray(cols)) throw new TypeError('columns must be an array of strings');
  const seen = new Set<string>();
  cols.forEach((c, i) => {
    if (typeof c !== 'string' || c.length === 0) throw new TypeError(`columns[${i}] must be a non-empty string`);
    if (seen.has(c)) throw new RangeError(`columns[${i}] repeats column "${c}"`);
    seen.add(c);
  });
  const lines = [cols.map((c) => quote(guard(c))).join(',')];
  for (const r of rows) lines.push(cols.map((c) => cell(Object.hasOwn(r, c) ? r[c] : undefined)).join(','));
  return lines.join('\r\n') + '\r\n';
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (typeof v === 'string') return quote(guard(v));
  return quote(guard(JSON.stringify(v) ?? ''));
}

function guard(s: string): string {
  return FORMULA_START.test(s) ? `'${s}` : s;
}

function quote(s: string): string {
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function unionOfKeys(rows: Record<string, unknown>[]): string[] {
  const keys = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) keys.add(k);
  return [...keys];
}
