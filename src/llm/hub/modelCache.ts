// The model cache as the user manages it: cached models (one per hub repository and revision)
// with their sizes, and deleting one without touching the others.
import { MODEL_CACHE_NAME } from './modelFiles.ts';

export interface CachedModel {
  id: string;
  revision: string;
  /** Files stored (remembered 404s and the listing excluded). */
  files: number;
  bytes: number;
}

const FILE_URL = /^https:\/\/huggingface\.co\/([\w.-]+\/[\w.-]+)\/resolve\/([^/]+)\//;
const LIST_URL = /^https:\/\/huggingface\.co\/api\/models\/([\w.-]+\/[\w.-]+)\/tree\/([^/?]+)/;

function keyOf(url: string): { id: string; revision: string; isFile: boolean } | null {
  const f = FILE_URL.exec(url);
  if (f) return { id: f[1], revision: decodeURIComponent(f[2]), isFile: true };
  const l = LIST_URL.exec(url);
  if (l) return { id: l[1], revision: decodeURIComponent(l[2]), isFile: false };
  return null;
}

/** Bytes of a stored response: its content-length, else the body's size (a disk-backed Blob, not read into memory). */
async function sizeOf(res: Response): Promise<number> {
  const len = res.headers.get('content-length');
  if (len && /^\d+$/.test(len)) return Number(len);
  return (await res.blob()).size;
}

export async function listCachedModels(storage: CacheStorage | undefined = globalThis.caches): Promise<CachedModel[]> {
  if (!storage || !(await storage.has(MODEL_CACHE_NAME))) return [];
  const cache = await storage.open(MODEL_CACHE_NAME);
  const byRepo = new Map<string, CachedModel>();
  for (const req of await cache.keys()) {
    const k = keyOf(req.url);
    if (!k) continue;
    const name = `${k.id}@${k.revision}`;
    const entry = byRepo.get(name) ?? { id: k.id, revision: k.revision, files: 0, bytes: 0 };
    byRepo.set(name, entry);
    const res = await cache.match(req);
    if (!res || res.status === 404) continue;
    entry.bytes += await sizeOf(res);
    if (k.isFile) entry.files++;
  }
  return [...byRepo.values()].sort((a, b) => b.bytes - a.bytes);
}

/** Deletes every cached file (and listing) of one repository, all revisions unless one is named. Returns entries deleted. */
export async function deleteCachedModel(id: string, revision?: string, storage: CacheStorage | undefined = globalThis.caches): Promise<number> {
  if (!storage || !(await storage.has(MODEL_CACHE_NAME))) return 0;
  const cache = await storage.open(MODEL_CACHE_NAME);
  let n = 0;
  for (const req of await cache.keys()) {
    const k = keyOf(req.url);
    if (k && k.id === id && (revision === undefined || k.revision === revision) && (await cache.delete(req))) n++;
  }
  return n;
}
