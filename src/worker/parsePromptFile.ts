// Prompt-file parsing in the worker: size cap, decoding, then src/data's parsePromptSet.
import { parsePromptSet } from '../data/parsePromptSet.ts';
import type { ParsedPromptFile } from './api.ts';

/** Larger files are refused with a message (parsing holds the text and every item in memory). */
export const MAX_PROMPT_FILE_BYTES = 64 * 1024 * 1024;

export async function parsePromptFile(file: Blob, name: string): Promise<ParsedPromptFile> {
  const bytes = file.size;
  if (bytes > MAX_PROMPT_FILE_BYTES) {
    const reason = `${name} is ${(bytes / 1e6).toFixed(1)} MB; prompt files up to ${MAX_PROMPT_FILE_BYTES / 1024 / 1024} MiB are accepted. Split it into smaller files.`;
    return { name, bytes, format: 'jsonl', items: [], errors: [{ line: 1, reason }], total: 0, fatal: reason };
  }
  const text = await file.text();
  return { ...parsePromptSet(text, { filename: name }), name, bytes };
}
