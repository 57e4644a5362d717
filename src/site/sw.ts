/// <reference lib="webworker" />
// The site's service worker (production build only; compiled by vite-plugin-pwa, which injects
// the precache manifest). Two jobs:
// 1. Offline: the app shell, the bundled models and the example sets are precached at install, so a
//    second visit with the network off opens and runs the bundled model. Hub models live in their
//    own Cache API store (src/llm/hub/modelFiles.ts) and are not touched here.
// 2. Cross-origin isolation on hosts that cannot send headers (GitHub Pages): every same-origin
//    response it serves carries COOP/COEP, so the WASM fallback may use threads.
import { cleanupOutdatedCaches, matchPrecache, precache } from 'workbox-precaching';
import { ISOLATION_HEADERS } from './policy.ts';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<{ url: string; revision: string | null }> };

precache(self.__WB_MANIFEST);
cleanupOutdatedCaches();
self.addEventListener('install', () => void self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

function isolated(res: Response): Response {
  if (res.type === 'opaque' || res.status === 0) return res;
  const headers = new Headers(res.headers);
  for (const [k, v] of Object.entries(ISOLATION_HEADERS)) headers.set(k, v);
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
}

async function respond(request: Request): Promise<Response> {
  // Navigations are the single-page app: its index.html, whatever the query says.
  const key = request.mode === 'navigate' ? new URL('index.html', self.registration.scope).href : request.url;
  const cached = await matchPrecache(key);
  if (cached) return isolated(cached);
  return isolated(await fetch(request));
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(respond(request));
});
