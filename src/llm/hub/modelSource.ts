// A ModelSource resolved into what every loader reads through: the files (whole or streamed), the
// repository's file list when one can be had (hub tree API, picked folder, the source's own list),
// and the tokenizer + chat template, read the same way for both backends.
import { HfTokenizer } from './hfTokenizer.ts';
import { listRepoFiles, type RepoFile } from './hubListing.ts';
import { ModelLoadError, parseJsonFile } from './modelLoadError.ts';
import { hubFetcher, hubOpener, openerOf, type FetchFile, type FileProgress, type ModelSource, type OpenFile } from './modelFiles.ts';
import { localFilesFetcher } from './localFiles.ts';

export interface SourceOptions {
  onProgress?: (p: FileProgress) => void;
  signal?: AbortSignal;
  /** Hub downloads only: injected fetch (tests) and Cache API use. */
  fetchImpl?: typeof fetch;
  useCache?: boolean;
  /** Injected in tests; default globalThis.caches. */
  cacheStorage?: CacheStorage;
  /** Hub only: a Hugging Face access token for gated/private repositories (memory only). */
  token?: string;
}

export interface ModelFiles {
  id: string;
  fetchFile: FetchFile;
  openFile: OpenFile;
  /** Paths the source is known to hold (folder, bundled list); undefined for the hub until listed. */
  available?: string[];
}

export function filesOf(source: ModelSource, opts: SourceOptions = {}): ModelFiles {
  if (source.kind === 'hub') {
    const hubOpts = { revision: source.revision, onProgress: opts.onProgress, signal: opts.signal, fetchImpl: opts.fetchImpl, useCache: opts.useCache, cacheStorage: opts.cacheStorage, token: opts.token };
    return { id: source.id, fetchFile: hubFetcher(source.id, hubOpts), openFile: hubOpener(source.id, hubOpts) };
  }
  if (source.kind === 'files') {
    const { fetchFile, openFile, paths } = localFilesFetcher(source.files);
    return { id: source.name ?? 'local model', fetchFile, openFile, available: paths };
  }
  return { id: source.id, fetchFile: source.fetchFile, openFile: source.openFile ?? openerOf(source.fetchFile), available: source.files };
}

export interface SourceListing {
  /** The hub's listing with sizes (null when not from the hub, or offline without a cached one). */
  listing: RepoFile[] | null;
  /** Every path the source holds, when known; undefined: names must be probed. */
  available?: string[];
}

/** From the hub: the repository's own file list (sizes included), instead of probing for 404s. */
export async function listSource(source: ModelSource, files: ModelFiles, opts: SourceOptions = {}): Promise<SourceListing> {
  if (source.kind !== 'hub') return { listing: null, available: files.available };
  const listing = await listRepoFiles(source.id, { revision: source.revision, fetchImpl: opts.fetchImpl, token: opts.token, signal: opts.signal, useCache: opts.useCache, cacheStorage: opts.cacheStorage });
  return { listing, available: listing?.map((f) => f.path) };
}

/** A JSON file the model may lack: {} when missing; corrupt JSON still throws. */
export async function optionalJson(fetchFile: FetchFile, path: string): Promise<Record<string, unknown>> {
  try {
    return parseJsonFile(await fetchFile(path), path);
  } catch (e) {
    if (e instanceof ModelLoadError && e.kind === 'missing-file') return {};
    throw e;
  }
}

export async function optionalBytes(fetchFile: FetchFile, path: string): Promise<Uint8Array | null> {
  try {
    return await fetchFile(path);
  } catch (e) {
    if (e instanceof ModelLoadError && e.kind === 'missing-file') return null;
    throw e;
  }
}

const SPECIAL_TOKENS = ['bos_token', 'eos_token', 'pad_token', 'unk_token'];

/**
 * tokenizer.json (required), tokenizer_config.json (optional) and the chat template: from
 * tokenizer_config.json's chat_template, else chat_template.jinja (transformers ≥ 4.43 writes the
 * template to its own file). Special tokens tokenizer_config.json does not name are taken from
 * special_tokens_map.json when the listing shows one (older repositories keep them only there).
 * `available`: the source's paths, undefined when unknown (chat_template.jinja is then probed).
 */
export async function loadTokenizer(fetchFile: FetchFile, available: readonly string[] | undefined, opts: { thinking?: boolean } = {}): Promise<HfTokenizer> {
  const tokenizerJson = parseJsonFile(await fetchFile('tokenizer.json'), 'tokenizer.json');
  const tokenizerConfig = await optionalJson(fetchFile, 'tokenizer_config.json');
  if (tokenizerConfig.chat_template === undefined && (available === undefined || available.includes('chat_template.jinja'))) {
    const jinja = await optionalBytes(fetchFile, 'chat_template.jinja');
    if (jinja) tokenizerConfig.chat_template = new TextDecoder().decode(jinja);
  }
  if (SPECIAL_TOKENS.some((k) => tokenizerConfig[k] === undefined) && available?.includes('special_tokens_map.json')) {
    const map = await optionalJson(fetchFile, 'special_tokens_map.json');
    for (const k of SPECIAL_TOKENS) if (tokenizerConfig[k] === undefined && map[k] !== undefined) tokenizerConfig[k] = map[k];
  }
  return new HfTokenizer(tokenizerJson, tokenizerConfig, { thinking: opts.thinking });
}
