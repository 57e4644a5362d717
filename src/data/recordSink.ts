// What a format parser (JSONL, JSON, CSV) hands each record or per-line error to.
export interface RecordSink {
  /** A parsed record (any JSON value, or a CSV row as an object) starting at 1-based `line`. */
  record(value: unknown, line: number): void;
  /** A record at `line` that could not be parsed; it still counts towards the total. */
  error(line: number, reason: string): void;
  /** A problem with the file as a whole (e.g. a CSV header); it does not count as a record. */
  fileError(line: number, reason: string): void;
}
