// Registers the service worker of the built site (offline + cross-origin isolation; src/site/sw.ts).
// A first visit to a host that sends no COOP/COEP headers is not isolated: once the worker controls
// the page, one reload lets it serve the page with those headers (never more than once a session).
import { siteRoot, siteUrl } from './siteUrl.ts';

const RELOADED = 'repro-playground-isolation-reload';

export async function registerSiteWorker(): Promise<void> {
  if (!('serviceWorker' in navigator)) return;
  try {
    await navigator.serviceWorker.register(siteUrl('sw.js'), { scope: siteRoot() });
    await navigator.serviceWorker.ready;
  } catch (e) {
    // The site works without it (online, one WASM thread); say why offline use will not.
    console.warn(`Service worker not registered (offline use and WASM threads unavailable): ${(e as Error).message}`);
    return;
  }
  if (!self.crossOriginIsolated && !sessionStorage.getItem(RELOADED)) {
    sessionStorage.setItem(RELOADED, '1');
    if (navigator.serviceWorker.controller) location.reload();
    else navigator.serviceWorker.addEventListener('controllerchange', () => location.reload(), { once: true });
  }
}
