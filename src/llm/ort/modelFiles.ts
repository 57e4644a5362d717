// Where model files come from. Every source becomes one `fetchFile(path) → bytes` function, so
// the loader (and the tests) never care whether bytes came from the hub, the Cache API or a
// folder the user picked.
import { ModelLoadError, httpError } from './modelLoadError.ts';

/** Reads one file by its path relative to the model root (e.g. 'onnx/model_q4.onnx'). */
export type FetchFile = (path: string) => Promise<Uint8Array>;

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
  | { kind: 'fetch'; id: string; fetchFile: FetchFile; files?: string[] };

export const MODEL_CACHE_NAME = 'repro-playground-models-v1';

export function hubUrl(id: string, revision: string, path: string): string {
  if (!/^[\w.-]+\/[\w.-]+$/.test(id)) throw new ModelLoadError('invalid-config', `Model id must look like "owner/name" (got "${id}").`);
  return `https://huggingface.co/${id}/resolve/${encodeURIComponent(revision)}/${path}`;
}

/** Reads a response body in chunks, reporting progress; checks the byte count against content-length. */
export async function readBody(res: Response, file: string, onProgress?: (p: FileProgress) => void, signal?: AbortSignal): Promise<Uint8Array> {
  const header = res.headers.get('content-length');
  const total = header !== null && /^\d+$/.test(header) ? Number(header) : null;
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  onProgress?.({ file, loaded, total, fromCache: false });
  if (res.body) {
    const reader = res.body.getReader();
    for (;;) {
      if (signal?.aborted) {
        await reader.cancel();
        throw new ModelLoadError('aborted', `Download of ${file} was cancelled.`, { file });
      }
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      loaded += value.byteLength;
      onProgress?.({ file, loaded, total, fromCache: false });
    }
  } else {
    const buf = new Uint8Array(await res.arrayBuffer());
    chunks.push(buf);
    loaded = buf.byteLength;
  }
  if (total !== null && loaded !== total) {
    throw new ModelLoadError('corrupt-file', `${file} is truncated: got ${loaded} of ${total} bytes (connection dropped?). Load again.`, { file });
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(loaded);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

export interface HubFetcherOptions {
  revision?: string;
  onProgress?: (p: FileProgress) => void;
  signal?: AbortSignal;
  /** Injected in tests; default globalThis.fetch. */
  fetchImpl?: typeof fetch;
  /** false: do not read or write the Cache API. */
  useCache?: boolean;
}

/** Files from huggingface.co, stored in the browser Cache API so the next visit works offline. */
export function hubFetcher(id: string, opts: HubFetcherOptions = {}): FetchFile {
  const revision = opts.revision ?? 'main';
  const fetchImpl = opts.fetchImpl ?? globalThis.fetch.bind(globalThis);
  const useCache = (opts.useCache ?? true) && typeof caches !== 'undefined';
  return async (path) => {
    const url = hubUrl(id, revision, path);
    const cache = useCache ? await caches.open(MODEL_CACHE_NAME) : null;
    const hit = await cache?.match(url);
    // A remembered 404: optional files (external data, generation_config.json) the repository
    // lacks must stay "missing", not "offline", when the next visit has no network.
    if (hit?.status === 404) throw httpError(404, 'Not Found (remembered)', path, url);
    if (hit) {
      const bytes = new Uint8Array(await hit.arrayBuffer());
      opts.onProgress?.({ file: path, loaded: bytes.byteLength, total: bytes.byteLength, fromCache: true });
      return bytes;
    }
    let res: Response;
    try {
      res = await fetchImpl(url, { signal: opts.signal });
    } catch (e) {
      if (opts.signal?.aborted) throw new ModelLoadError('aborted', `Download of ${path} was cancelled.`, { file: path, cause: e });
      throw new ModelLoadError('network', `Could not download ${path} from ${url}: ${(e as Error).message} (offline, or the network blocks huggingface.co?).`, { file: path, cause: e });
    }
    if (!res.ok) {
      if (res.status === 404 && cache) await cache.put(url, new Response(null, { status: 404 })).catch(() => undefined);
      throw httpError(res.status, res.statusText, path, url);
    }
    const bytes = await readBody(res, path, opts.onProgress, opts.signal);
    if (cache) {
      const headers = { 'content-length': String(bytes.byteLength), 'content-type': 'application/octet-stream' };
      await cache.put(url, new Response(bytes as BlobPart, { headers })).catch(() => undefined); // quota: still usable this visit
    }
    return bytes;
  };
}

/** Bytes the model cache holds (sum over stored responses). */
export async function cacheSize(): Promise<number> {
  if (typeof caches === 'undefined' || !(await caches.has(MODEL_CACHE_NAME))) return 0;
  const cache = await caches.open(MODEL_CACHE_NAME);
  let total = 0;
  for (const req of await cache.keys()) {
    const res = await cache.match(req);
    const len = res?.headers.get('content-length');
    total += len ? Number(len) : res ? (await res.arrayBuffer()).byteLength : 0;
  }
  return total;
}

export async function clearCache(): Promise<boolean> {
  if (typeof caches === 'undefined') return false;
  return caches.delete(MODEL_CACHE_NAME);
}

/** A picked file's path relative to the model root: the picked folder's own name is dropped. */
export function relativePath(file: File): string {
  const rel = (file as File & { webkitRelativePath?: string }).webkitRelativePath || file.name;
  const parts = rel.split('/').filter(Boolean);
  return parts.length > 1 ? parts.slice(1).join('/') : parts.join('/');
}

/** Files the user picked (a folder via webkitdirectory, or loose files). */
export function localFilesFetcher(files: ArrayLike<File>): { fetchFile: FetchFile; paths: string[] } {
  const byPath = new Map<string, File>();
  for (let i = 0; i < files.length; i++) byPath.set(relativePath(files[i]), files[i]);
  const paths = [...byPath.keys()].sort();
  const find = (path: string): File | undefined => {
    const exact = byPath.get(path);
    if (exact) return exact;
    // Loose files without their onnx/ folder: match by name when unambiguous.
    const base = path.split('/').pop()!;
    const hits = [...byPath.entries()].filter(([p]) => p.split('/').pop() === base);
    return hits.length === 1 ? hits[0][1] : undefined;
  };
  const fetchFile: FetchFile = async (path) => {
    const f = find(path);
    if (!f) {
      throw new ModelLoadError('missing-file', `Missing file ${path}: it is not in the picked folder (have: ${paths.join(', ') || 'nothing'}).`, { file: path });
    }
    return new Uint8Array(await f.arrayBuffer());
  };
  return { fetchFile, paths };
}
