// Shared e2e setup: the Vite dev server (one for the whole e2e project, started by
// test/globalSetup/e2eDevServer.ts; a file run under another config starts its own) and headless
// Chromium with a real WebGPU adapter (SwiftShader here), driven by playwright-core.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { inject } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../chromium.ts';
import { startDevServer } from '../globalSetup/e2eDevServer.ts';

export const ARTIFACTS = resolve(import.meta.dirname, '../../artifacts');

export interface E2E {
  browser: Browser;
  baseUrl: string;
  /** A fresh page with console errors and page errors collected. */
  newPage(): Promise<{ page: Page; errors: string[] }>;
  close(): Promise<void>;
}

export async function startE2E(): Promise<E2E> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const shared = inject('e2eBaseUrl');
  const own = shared ? null : await startDevServer();
  const baseUrl = shared ?? own!.baseUrl;
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, headless: true });
  return {
    browser,
    baseUrl,
    async newPage() {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
      page.on('console', (m) => {
        // HTTP failures are recorded with their URL below instead.
        // ONNX Runtime prints its warnings ("[W:onnxruntime:…]") at console.error level: not errors.
        const t = m.text();
        if (m.type() === 'error' && !t.startsWith('Failed to load resource') && !t.includes('[W:onnxruntime')) errors.push(`console: ${t}`);
      });
      page.on('response', (r) => {
        if (r.status() >= 400) errors.push(`HTTP ${r.status()}: ${r.url()}`);
      });
      return { page, errors };
    },
    async close() {
      await browser.close();
      await own?.server.close();
    },
  };
}
