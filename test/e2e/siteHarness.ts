// The production build as a host serves it: `vite build` into a temporary folder, then Vite's
// preview server (the same headers `npm run preview` sends) mounting it under a sub-path, and
// headless Chromium. Catches what only the built site does: relative URLs, the CSP meta tag, the
// service worker, cross-origin isolation.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build, preview, type PreviewServer } from 'vite';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../chromium.ts';

export const SUB_PATH = '/repro-playground/';
const ROOT = resolve(import.meta.dirname, '../..');

export interface SiteE2E {
  /** http://127.0.0.1:PORT/repro-playground/ */
  siteUrl: string;
  browser: Browser;
  /** A fresh context (own service worker and storage) with one page; errors collected. */
  newPage(): Promise<{ context: BrowserContext; page: Page; errors: string[] }>;
  close(): Promise<void>;
}

export async function startSite(): Promise<SiteE2E> {
  const outDir = mkdtempSync(join(tmpdir(), 'repro-site-'));
  const configFile = resolve(ROOT, 'vite.config.ts');
  // Vitest runs with NODE_ENV=test, which would make Vite emit a development build (React's dev
  // bundle, import.meta.env.PROD false, no service worker): build as `npm run build` does.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    // reportCompressedSize: no gzip pass over the bundles only to print their sizes (nothing reads them)
    await build({ configFile, root: ROOT, mode: 'production', logLevel: 'warn', build: { outDir, emptyOutDir: true, reportCompressedSize: false } });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  const server: PreviewServer = await preview({
    configFile, root: ROOT, base: SUB_PATH, logLevel: 'warn',
    build: { outDir },
    preview: { host: '127.0.0.1', port: 0, strictPort: false },
  });
  const addr = server.httpServer.address();
  if (!addr || typeof addr === 'string') throw new Error('preview server has no TCP address');
  const siteUrl = `http://127.0.0.1:${addr.port}${SUB_PATH}`;
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, headless: true });
  return {
    siteUrl,
    browser,
    async newPage() {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
      page.on('console', (m) => {
        const t = m.text();
        if (m.type() === 'error' && !t.includes('[W:onnxruntime')) errors.push(`console: ${t}`);
      });
      page.on('response', (r) => {
        if (r.status() >= 400) errors.push(`HTTP ${r.status()}: ${r.url()}`);
      });
      return { context, page, errors };
    },
    async close() {
      await browser.close();
      await new Promise<void>((done) => server.httpServer.close(() => done()));
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}
