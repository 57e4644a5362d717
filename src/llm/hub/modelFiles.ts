// Where model files come from. Every source becomes one `fetchFile(path) → bytes` function (and,
// for weights read tensor by tensor, one `openFile(path) → byte stream`), so the loaders (and the
// tests) never care whether bytes came from the hub, the Cache API or a folder the user picked.
import { ModelLoadError, httpError } from './modelLoadError.ts';

/** Reads one file by its path relative to the model root (e.g. 'onnx/model_q4.onnx'). */
export type FetchFile = (path: string) => Promise<Uint8Array>;

/** One file as a byte stream, with its size when known (content-length, File.size). */
export interface FileStream {
  stream: ReadableStream<Uint8Array>;
  size: number | null;
  fromCache: boolean;
}

/** Opens one file as a stream (large weight files: never held whole in memory). */
export type OpenFile = (path: string) => Promise<FileStream>;

export interface FileProgress {
  file: string;
  loaded: number;
  /** null when the server sent no content-length. */
  total: number | null;
  fromCache: boolean;
}

export type ModelSource =
  | { kind: 'hub'; id: string; revision?: string }
  | { kind: 'files'; files: ArrayLike<File>; name?: string }
  | { kind: 'fetch'; id: string; fetchFile: FetchFile; files?: string[]; openFile?: OpenFile };

export const MODEL_CACHE_NAME = 'repro-playground-models-v1';

export function checkHubId(id: string): void {
  if (!/^[\w.-]+\/[\w.-]+$/.test(id)) throw new ModelLoadError('invalid-config', `Model id must look like "owner/name" (got "${id}").`);
}

export function hubUrl(id: string, revision: string, path: string): string {
  checkHubId(id);
  return `https://huggingface.co/${id}/resolve/${encodeURIComponent(revision)}/${path}`;
}

/**
 * Reads a response body in chunks, reporting progress; checks the byte count against
 * content-length. With a known length the chunks are written into one buffer as they arrive
 * (one copy of the file in memory, not chunks plus their concatenation).
 */
export async function readBody(res: Response, file: string, onProgress?: (p: FileProgress) => void, signal?: AbortSignal): Promise<Uint8Array> {
  const header = res.headers.get('content-length');
  const total = header !== null && /^\d+$/.test(header) ? Number(header) : null;
  const truncated = (loaded: number) => new ModelLoadError('corrupt-file', `${file} is truncated: got ${loaded} of ${total} bytes (connection dropped?). Load again.`, { file });
  let loaded = 0;
  onProgress?.({ file, loaded, total, fromCache: false });
  if (!res.body) {
    const buf = new Uint8Array(await res.arrayBuffer());
    if (total !== null && buf.byteLength !== total) throw truncated(buf.byteLength);
    return buf;
  }
  const out = total !== null ? new Uint8Array(total) : null;
  const chunks: Uint8Array[] = [];
  const reader = res.body.getReader();
  for (;;) {
    if (signal?.aborted) {
      await reader.cancel();
      throw new ModelLoadError('aborted', `Download of ${file} was cancelled.`, { file });
    }
    const { done, value } = await reader.read();
    if (done) break;
    if (out) {
      if (loaded + value.byteLength > out.byteLength) {
        await reader.cancel();
        throw new ModelLoadError('corrupt-file', `${file} is longer than its content-length (${total} bytes). Load again.`, { file });
      }
      out.set(value, loaded);
    } else chunks.push(value);
    loaded += value.byteLength;
    onProgress?.({ file, loaded, total, fromCache: false });
  }
  if (out) {
    if (loaded !== total) throw truncated(loaded);
    return out;
  }
  if (chunks.length === 1) return chunks[0];
  const joined = new Uint8Array(loaded);
  let at = 0;
  for (const c of chunks) {
    joined.set(c, at);
    at += c.byteLength;
  }
  return joined;
}

export interface HubFetcherOptions {
  revision?: string;
  onProgress?: (p: FileProgress) => void;
  signal?: AbortSignal;
  /** Injected in tests; default globalThis.fetch. */
  fetchImpl?: typeof fetch;
  /** false: do not read or write the Cache API. */
  useCache?: boolean;
  /** A Hugging Face access token for gated/private repositories (kept in memory only, never stored). */
  token?: string;
  /** Injected in tests; default globalThis.caches. */
  cacheStorage?: CacheStorage;
}

interface HubResponse {
  res: Response;
  /** The body came from the Cache API without a download. */
  fromCache: boolean;
  /** The download was already counted for progress and its length checked (stored in the cache on the way). */
  counted: boolean;
}

/**
 * One file of a hub repository as a Response: the Cache API's copy, else a download piped into the
 * cache (so a large weight file is never held twice in memory), else — when the cache refuses it
 * (quota) or is off — the network response itself, still to be read.
 */
function hubResponder(id: string, opts: HubFetcherOptions): (path: string) => Promise<HubResponse> {
  const revision = opts.revision ?? 'main';
  const fetchImpl = opts.fetchImpl ?? globalThis.fetch.bind(globalThis);
  const storage = (opts.useCache ?? true) ? (opts.cacheStorage ?? globalThis.caches) : undefined;
  const download = async (url: string, path: string): Promise<Response> => {
    let res: Response;
    try {
      res = await fetchImpl(url, { signal: opts.signal, headers: opts.token ? { authorization: `Bearer ${opts.token}` } : {} });
    } catch (e) {
      if (opts.signal?.aborted) throw new ModelLoadError('aborted', `Download of ${path} was cancelled.`, { file: path, cause: e });
      throw new ModelLoadError('network', `Could not download ${path} from ${url}: ${(e as Error).message} (offline, or the network blocks huggingface.co?).`, { file: path, cause: e });
    }
    return res;
  };
  return async (path) => {
    const url = hubUrl(id, revision, path);
    const cache = storage ? await storage.open(MODEL_CACHE_NAME) : null;
    const hit = await cache?.match(url);
    // A remembered 404: optional files (external data, generation_config.json) the repository
    // lacks must stay "missing", not "offline", when the next visit has no network.
    if (hit?.status === 404) throw httpError(404, 'Not Found (remembered)', path, url);
    if (hit) return { res: hit, fromCache: true, counted: true };
    let res = await download(url, path);
    if (!res.ok) {
      if (res.status === 404 && cache) await cache.put(url, new Response(null, { status: 404 })).catch(() => undefined);
      throw httpError(res.status, res.statusText, path, url);
    }
    if (cache && res.body) {
      const stored = await streamIntoCache(cache, url, res, path, opts);
      if (stored) return { res: stored, fromCache: false, counted: true };
      // The cache refused the file (quota): fetch it again and keep it in memory only.
      res = await download(url, path);
      if (!res.ok) throw httpError(res.status, res.statusText, path, url);
    }
    return { res, fromCache: false, counted: false };
  };
}

/** Files from huggingface.co, stored in the browser Cache API so the next visit works offline. */
export function hubFetcher(id: string, opts: HubFetcherOptions = {}): FetchFile {
  const respond = hubResponder(id, opts);
  return async (path) => {
    const { res, fromCache, counted } = await respond(path);
    if (!counted) return readBody(res, path, opts.onProgress, opts.signal);
    const bytes = new Uint8Array(await res.arrayBuffer());
    if (fromCache) opts.onProgress?.({ file: path, loaded: bytes.byteLength, total: bytes.byteLength, fromCache: true });
    return bytes;
  };
}

/**
 * The same files as streams (weights read tensor by tensor): a download goes into the Cache API
 * first and is then streamed back from it; without the cache the network body itself, counted for
 * progress, checked against content-length and cancelled by the signal.
 */
export function hubOpener(id: string, opts: HubFetcherOptions = {}): OpenFile {
  const respond = hubResponder(id, opts);
  return async (path) => {
    const { res, fromCache, counted } = await respond(path);
    const size = lengthOf(res);
    if (fromCache) opts.onProgress?.({ file: path, loaded: size ?? 0, total: size, fromCache: true });
    const body = res.body ?? bytesStream(new Uint8Array(0));
    const stream = counted ? body : body.pipeThrough(progressCounter(path, size, opts).stream);
    return { stream, size, fromCache };
  };
}

function lengthOf(res: Response): number | null {
  const header = res.headers.get('content-length');
  return header !== null && /^\d+$/.test(header) ? Number(header) : null;
}

/**
 * A pass-through that reports progress, stops on the signal, and fails a body shorter or longer
 * than its content-length (a dropped connection must not look like a complete file).
 */
function progressCounter(file: string, total: number | null, opts: { onProgress?: (p: FileProgress) => void; signal?: AbortSignal }) {
  let loaded = 0;
  opts.onProgress?.({ file, loaded, total, fromCache: false });
  const truncated = () => new ModelLoadError('corrupt-file', `${file} is truncated: got ${loaded} of ${total} bytes (connection dropped?). Load again.`, { file });
  const stream = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, ctl) {
      if (opts.signal?.aborted) return ctl.error(new ModelLoadError('aborted', `Download of ${file} was cancelled.`, { file }));
      loaded += chunk.byteLength;
      if (total !== null && loaded > total) return ctl.error(new ModelLoadError('corrupt-file', `${file} is longer than its content-length (${total} bytes). Load again.`, { file }));
      opts.onProgress?.({ file, loaded, total, fromCache: false });
      ctl.enqueue(chunk);
    },
    flush(ctl) {
      if (total !== null && loaded !== total) ctl.error(truncated());
    },
  });
  return { stream, loaded: () => loaded };
}

/**
 * Pipes the download straight into the Cache API (counting bytes for progress and the
 * truncation check) and returns the stored response, unread. Null when the cache refuses it
 * (quota); cancellation and truncation throw.
 */
async function streamIntoCache(cache: Cache, url: string, res: Response, file: string, opts: HubFetcherOptions): Promise<Response | null> {
  const total = lengthOf(res);
  const counter = progressCounter(file, total, opts);
  const headers: Record<string, string> = { 'content-type': 'application/octet-stream' };
  if (total !== null) headers['content-length'] = String(total);
  try {
    await cache.put(url, new Response(res.body!.pipeThrough(counter.stream), { headers }));
  } catch (e) {
    await cache.delete(url).catch(() => undefined);
    if (opts.signal?.aborted) throw new ModelLoadError('aborted', `Download of ${file} was cancelled.`, { file, cause: e });
    if (e instanceof ModelLoadError) throw e;
    if ((e as Error)?.name === 'QuotaExceededError') return null;
    throw new ModelLoadError('network', `Downloading ${file} from ${url} failed: ${(e as Error).message}`, { file, cause: e });
  }
  if (total !== null && counter.loaded() !== total) {
    await cache.delete(url).catch(() => undefined);
    throw new ModelLoadError('corrupt-file', `${file} is truncated: got ${counter.loaded()} of ${total} bytes (connection dropped?). Load again.`, { file });
  }
  return (await cache.match(url)) ?? null;
}

/** Bytes already in memory as a stream (sources that only have a FetchFile; tests). */
export function bytesStream(bytes: Uint8Array, chunkBytes = bytes.byteLength || 1): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream<Uint8Array>({
    pull(ctl) {
      if (at >= bytes.byteLength) return ctl.close();
      const end = Math.min(bytes.byteLength, at + chunkBytes);
      ctl.enqueue(bytes.slice(at, end));
      at = end;
    },
  });
}

/** An OpenFile over a FetchFile: the whole file is read, then handed out as one chunk. */
export function openerOf(fetchFile: FetchFile): OpenFile {
  return async (path) => {
    const bytes = await fetchFile(path);
    return { stream: bytesStream(bytes), size: bytes.byteLength, fromCache: false };
  };
}

/** Bytes the model cache holds (sum over stored responses). */
export async function cacheSize(storage: CacheStorage | undefined = globalThis.caches): Promise<number> {
  if (!storage || !(await storage.has(MODEL_CACHE_NAME))) return 0;
  const cache = await storage.open(MODEL_CACHE_NAME);
  let total = 0;
  for (const req of await cache.keys()) {
    const res = await cache.match(req);
    const len = res?.headers.get('content-length');
    total += len ? Number(len) : res ? (await res.arrayBuffer()).byteLength : 0;
  }
  return total;
}

export async function clearCache(storage: CacheStorage | undefined = globalThis.caches): Promise<boolean> {
  if (!storage) return false;
  return storage.delete(MODEL_CACHE_NAME);
}
