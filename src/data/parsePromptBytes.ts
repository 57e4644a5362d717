// A prompt file as bytes: parquet (the usual Hugging Face datasets file, read with hyparquet)
// row by row, anything else decoded as UTF-8 text for parsePromptSet.
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import type { FieldMapping } from './promptItem.ts';
import { EXTENSIONS, parsePromptSet, promptSetCollector, type ParsedPromptSet } from './parsePromptSet.ts';

const PARQUET_MAGIC = [0x50, 0x41, 0x52, 0x31]; // "PAR1" at both ends of a parquet file

export function isParquet(bytes: Uint8Array, filename = ''): boolean {
  const ext = /\.([a-z0-9]+)$/i.exec(filename)?.[1].toLowerCase();
  const magic = bytes.length >= 8 && PARQUET_MAGIC.every((b, i) => bytes[i] === b);
  return magic || (ext !== undefined && EXTENSIONS[ext] === 'parquet');
}

/** Parses a prompt file given as bytes; parquet rows are numbered from 1 (`unit: 'row'`). */
export async function parsePromptBytes(bytes: Uint8Array, opts: { filename?: string; mapping?: FieldMapping } = {}): Promise<ParsedPromptSet> {
  if (!isParquet(bytes, opts.filename)) {
    return parsePromptSet(new TextDecoder('utf-8').decode(bytes), { filename: opts.filename, mapping: opts.mapping });
  }
  const { result, sink, finish } = promptSetCollector('parquet', opts.mapping ?? {}, 'row');
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let rows: Record<string, unknown>[];
  try {
    const metadata = parquetMetadata(file);
    rows = await parquetReadObjects({ file, metadata });
  } catch (e) {
    const reason = `cannot read this parquet file: ${parquetMessage(e)}`;
    result.errors.push({ line: 1, reason });
    finish();
    result.fatal = reason;
    return result;
  }
  for (let i = 0; i < rows.length; i++) sink.record(rows[i], i + 1);
  return finish();
}

function parquetMessage(e: unknown): string {
  const m = String((e as Error)?.message ?? e);
  const codec = /unsupported compression codec: (\w+)/.exec(m)?.[1];
  if (codec) return `its columns are compressed with ${codec}, which this reader does not decode (SNAPPY and uncompressed files are read; re-save it with pandas' to_parquet(compression="snappy"))`;
  return m;
}
