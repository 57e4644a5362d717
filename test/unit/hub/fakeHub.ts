// A hub (huggingface.co's resolve and tree API URLs) served from a map of files, for the hub
// layer's Node tests: bodies stream in small chunks with content-length, requests are logged,
// and a body can be cut short to play a dropped connection.

export interface FakeHub {
  fetchImpl: typeof fetch;
  requests: string[];
}

export function fakeHub(id: string, files: Record<string, Uint8Array>, opts: { chunk?: number; cut?: Record<string, number> } = {}): FakeHub {
  const requests: string[] = [];
  const chunk = opts.chunk ?? 7;
  const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    requests.push(url);
    if (init?.signal?.aborted) throw new DOMException('The operation was aborted.', 'AbortError');
    if (url.startsWith(`https://huggingface.co/api/models/${id}/tree/`)) {
      return Response.json(Object.entries(files).map(([path, b]) => ({ type: 'file', path, size: b.byteLength })));
    }
    const path = url.split(`/${id}/resolve/main/`)[1];
    const bytes = path === undefined ? undefined : files[path];
    if (!bytes) return new Response('Entry not found', { status: 404, statusText: 'Not Found' });
    const send = opts.cut?.[path] ?? bytes.byteLength;
    let at = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(ctl) {
        if (at >= send) return ctl.close();
        const end = Math.min(send, at + chunk);
        ctl.enqueue(bytes.slice(at, end));
        at = end;
      },
    });
    return new Response(body, { headers: { 'content-length': String(bytes.byteLength) } });
  }) as typeof fetch;
  return { fetchImpl, requests };
}

export const offline = (async () => {
  throw new TypeError('fetch failed');
}) as typeof fetch;

export async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
  }
  const out = new Uint8Array(parts.reduce((a, p) => a + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
