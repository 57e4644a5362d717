// The site's security and isolation policy, in one place: the built index.html carries the CSP as a
// meta tag, the dev and preview servers send it (and COOP/COEP) as headers, docs/deploy.md lists
// the headers a host should send, and the e2e tests read it back.

/** Hosts the model hub serves files from (resolve URLs redirect to the CDN / LFS hosts). */
export const HUB_CONNECT_SOURCES = ['https://huggingface.co', 'https://*.huggingface.co', 'https://*.hf.co'];

/**
 * The Content-Security-Policy. Scripts only from the site itself; WebAssembly compilation
 * ('wasm-unsafe-eval') and nothing broader: no inline script, no eval. `dev` adds what Vite's dev
 * server needs (its inline React-refresh preamble, HMR websocket) — never used for a build.
 */
export function contentSecurityPolicy(opts: { dev?: boolean } = {}): string {
  const dev = opts.dev === true;
  const directives: Record<string, string[]> = {
    'default-src': ["'self'"],
    'script-src': ["'self'", "'wasm-unsafe-eval'", ...(dev ? ["'unsafe-inline'"] : [])],
    'worker-src': ["'self'"],
    'connect-src': ["'self'", ...HUB_CONNECT_SOURCES, ...(dev ? ['ws:'] : [])],
    // Charts are exported as PNG by drawing their SVG into a canvas through a blob/data image.
    'img-src': ["'self'", 'data:', 'blob:'],
    // Vite's dev server injects CSS as <style> elements; the build links its CSS files.
    'style-src': ["'self'", ...(dev ? ["'unsafe-inline'"] : [])],
    'font-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
  };
  return Object.entries(directives).map(([k, v]) => `${k} ${v.join(' ')}`).join('; ');
}

/**
 * Cross-origin isolation, so the WASM fallback may use threads (SharedArrayBuffer).
 * `credentialless` rather than `require-corp`: cross-origin files (the model hub) load without
 * needing a Cross-Origin-Resource-Policy header of their own.
 */
export const ISOLATION_HEADERS: Record<string, string> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'credentialless',
};

/** Every header a host should send with the built site. */
export function siteHeaders(opts: { dev?: boolean } = {}): Record<string, string> {
  return {
    ...ISOLATION_HEADERS,
    'Content-Security-Policy': contentSecurityPolicy(opts),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  };
}
