// A hub repository's file list (path + size) from the tree API, so the loader picks among the
// files a repository has instead of probing names for 404s. The listing is kept in the Cache API
// beside the files, so a cached model still loads offline.
import { ModelLoadError, httpError } from './modelLoadError.ts';
import { MODEL_CACHE_NAME, checkHubId } from './modelFiles.ts';

export interface RepoFile {
  path: string;
  /** Bytes (the LFS object's size for weights). */
  size: number;
}

export interface ListingOptions {
  revision?: string;
  fetchImpl?: typeof fetch;
  /** A Hugging Face access token for gated/private repositories (kept in memory only). */
  token?: string;
  signal?: AbortSignal;
  useCache?: boolean;
  /** Injected in tests; default globalThis.caches. */
  cacheStorage?: CacheStorage;
}

export function treeUrl(id: string, revision: string): string {
  checkHubId(id);
  return `https://huggingface.co/api/models/${id}/tree/${encodeURIComponent(revision)}?recursive=true`;
}

export function authHeaders(token?: string): Record<string, string> {
  return token ? { authorization: `Bearer ${token}` } : {};
}

/**
 * Every file of the repository (recursive, all pages). Null when the listing cannot be had and
 * none is cached (the loader then probes names); 401/403 (gated, private) are thrown.
 */
export async function listRepoFiles(id: string, opts: ListingOptions = {}): Promise<RepoFile[] | null> {
  const revision = opts.revision ?? 'main';
  const fetchImpl = opts.fetchImpl ?? globalThis.fetch.bind(globalThis);
  const first = treeUrl(id, revision);
  const storage = (opts.useCache ?? true) ? (opts.cacheStorage ?? globalThis.caches) : undefined;
  const cache = storage ? await storage.open(MODEL_CACHE_NAME) : null;
  const files: RepoFile[] = [];
  try {
    for (let url: string | null = first; url !== null; ) {
      const res: Response = await fetchImpl(url, { signal: opts.signal, headers: authHeaders(opts.token) });
      // Gated/private: loading the files would fail the same way, so say so now. Other statuses
      // (a mirror without the API, a 404 for an unknown id) fall back to probing, whose
      // "Missing file config.json" names the problem.
      if (res.status === 401 || res.status === 403) throw httpError(res.status, res.statusText, 'the file listing', url);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const page = (await res.json()) as unknown;
      if (!Array.isArray(page)) throw new ModelLoadError('corrupt-file', `The hub's file listing for ${id} is not a list.`);
      for (const e of page as { type?: unknown; path?: unknown; size?: unknown; lfs?: { size?: unknown } }[]) {
        if (e.type !== 'file' || typeof e.path !== 'string') continue;
        const size = typeof e.lfs?.size === 'number' ? e.lfs.size : typeof e.size === 'number' ? e.size : 0;
        files.push({ path: e.path, size });
      }
      url = nextLink(res.headers.get('link'));
    }
  } catch (e) {
    if (opts.signal?.aborted) throw new ModelLoadError('aborted', 'Model loading was cancelled.', { cause: e });
    if (e instanceof ModelLoadError) throw e;
    // Offline: a listing stored on an earlier visit, else none (names are probed).
    const hit = await cache?.match(first);
    return hit ? ((await hit.json()) as RepoFile[]) : null;
  }
  await cache?.put(first, new Response(JSON.stringify(files), { headers: { 'content-type': 'application/json' } })).catch(() => undefined);
  return files;
}

/** The URL of rel="next" in a Link header (the tree API pages long listings), else null. */
export function nextLink(header: string | null): string | null {
  if (!header) return null;
  for (const part of header.split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (m) return m[1];
  }
  return null;
}
