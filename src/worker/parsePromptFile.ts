// Prompt-file parsing in the worker: size cap, then src/data's parsePromptBytes (parquet or text).
import { parsePromptBytes } from '../data/parsePromptBytes.ts';
import { promptSetCollector } from '../data/parsePromptSet.ts';
import type { FieldMapping } from '../data/promptItem.ts';
import type { ParsedPromptFile } from './api.ts';

/** Larger files are refused with a message (parsing holds the text and every item in memory). */
export const MAX_PROMPT_FILE_BYTES = 64 * 1024 * 1024;

export async function parsePromptFile(file: Blob, name: string, mapping?: FieldMapping): Promise<ParsedPromptFile> {
  const bytes = file.size;
  if (bytes > MAX_PROMPT_FILE_BYTES) {
    const reason = `${name} is ${(bytes / 1e6).toFixed(1)} MB; prompt files up to ${MAX_PROMPT_FILE_BYTES / 1024 / 1024} MiB are accepted. Split it into smaller files.`;
    const empty = promptSetCollector('jsonl', mapping ?? {}, 'line').finish();
    return { ...empty, errors: [{ line: 1, reason }], fatal: reason, name, bytes };
  }
  const data = new Uint8Array(await file.arrayBuffer());
  return { ...(await parsePromptBytes(data, { filename: name, mapping })), name, bytes };
}
