// An in-memory CacheStorage (the Cache API's match / put / delete / keys by URL) so the hub
// layer's cache paths run in Node. put() reads the body to the end, as the browser's does, so a
// body that errors (truncated download, cancel) makes put() reject.

class MemoryCache {
  readonly entries = new Map<string, { body: Uint8Array | null; status: number; headers: [string, string][] }>();
  /** Set to make put() fail as a full quota does. */
  quotaFull = false;

  async match(req: RequestInfo | URL): Promise<Response | undefined> {
    const e = this.entries.get(urlOf(req));
    return e ? new Response(e.body as BodyInit | null, { status: e.status, headers: e.headers }) : undefined;
  }

  async put(req: RequestInfo | URL, res: Response): Promise<void> {
    if (this.quotaFull) throw Object.assign(new Error('The quota has been exceeded.'), { name: 'QuotaExceededError' });
    const body = res.body ? new Uint8Array(await res.arrayBuffer()) : null;
    this.entries.set(urlOf(req), { body, status: res.status, headers: [...res.headers] });
  }

  async delete(req: RequestInfo | URL): Promise<boolean> {
    return this.entries.delete(urlOf(req));
  }

  async keys(): Promise<Request[]> {
    return [...this.entries.keys()].map((u) => new Request(u));
  }
}

export class MemoryCacheStorage {
  readonly stores = new Map<string, MemoryCache>();

  async open(name: string): Promise<MemoryCache> {
    let c = this.stores.get(name);
    if (!c) this.stores.set(name, (c = new MemoryCache()));
    return c;
  }

  async has(name: string): Promise<boolean> {
    return this.stores.has(name);
  }

  async delete(name: string): Promise<boolean> {
    return this.stores.delete(name);
  }

  asCacheStorage(): CacheStorage {
    return this as unknown as CacheStorage;
  }
}

function urlOf(req: RequestInfo | URL): string {
  return typeof req === 'string' ? req : req instanceof URL ? req.href : req.url;
}
