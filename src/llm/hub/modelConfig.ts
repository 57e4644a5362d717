// What both backends read from config.json and generation_config.json beyond the architecture:
// the language model's own fields of a multimodal config, and the EOS ids. Pure.
import { ModelLoadError, parseJsonFile } from './modelLoadError.ts';
import { optionalJson } from './modelSource.ts';
import type { FetchFile } from './modelFiles.ts';

/** Multimodal configs nest the language model's fields under text_config. */
export function textConfig(config: Record<string, unknown>): Record<string, unknown> {
  const t = config.text_config;
  return t && typeof t === 'object' ? { ...config, ...(t as Record<string, unknown>) } : config;
}

/** EOS ids: generation_config.json first, then config.json; a number or a list in either. */
export function eosTokenIds(generationConfig: Record<string, unknown>, config: Record<string, unknown>): number[] {
  const pick = (v: unknown): number[] =>
    typeof v === 'number' ? [v] : Array.isArray(v) ? v.filter((x): x is number => typeof x === 'number') : [];
  const fromGen = pick(generationConfig.eos_token_id);
  const ids = fromGen.length > 0 ? fromGen : pick(textConfig(config).eos_token_id);
  return [...new Set(ids)];
}

/**
 * config.json (required: a missing one is named) and generation_config.json (optional: {} when
 * the repository has none). `has` says whether the source holds a path (true when unknown).
 */
export async function readConfigFiles(fetchFile: FetchFile, has: (path: string) => boolean): Promise<{ config: Record<string, unknown>; generationConfig: Record<string, unknown> }> {
  if (!has('config.json')) throw new ModelLoadError('missing-file', 'Missing file config.json: the model files do not include it.', { file: 'config.json' });
  const config = parseJsonFile(await fetchFile('config.json'), 'config.json');
  const generationConfig = has('generation_config.json') ? await optionalJson(fetchFile, 'generation_config.json') : {};
  return { config, generationConfig };
}
