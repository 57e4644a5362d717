// Vitest globalSetup (e2e project): one Vite dev server for every e2e file (test/e2e/harness.ts
// reads its URL with inject('e2eBaseUrl')). A server per file transformed the whole app again for
// each file's first page; the app is the same for all of them, and each file still gets its own
// browser and fresh pages (own storage). Files run one at a time (fileParallelism: false).
// `startDevServer` is also what the harness starts when a file runs under another config.
import { resolve } from 'node:path';
import { createServer, type ViteDevServer } from 'vite';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** http://127.0.0.1:PORT of the shared dev server */
    e2eBaseUrl: string;
  }
}

const ROOT = resolve(import.meta.dirname, '../..');

/** The app's Vite dev server on 127.0.0.1 (a free port; WebGPU needs a secure context). */
export async function startDevServer(): Promise<{ server: ViteDevServer; baseUrl: string }> {
  const server = await createServer({
    configFile: resolve(ROOT, 'vite.config.ts'),
    root: ROOT,
    server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false },
    logLevel: 'warn',
    clearScreen: false,
  });
  await server.listen();
  const addr = server.httpServer?.address();
  if (!addr || typeof addr === 'string') throw new Error('Vite dev server has no TCP address');
  return { server, baseUrl: `http://127.0.0.1:${addr.port}` };
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const { server, baseUrl } = await startDevServer();
  project.provide('e2eBaseUrl', baseUrl);
  return () => server.close();
}
