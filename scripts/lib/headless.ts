// The one way the project runs a long job in headless Chromium from the command line (benchmarks,
// toy training, experiments): start a Vite dev server with the project's vite.config.ts on a free
// 127.0.0.1 port (a secure context, so navigator.gpu exists), open a page in Chromium with WebGPU
// enabled, and let the page talk back through three exposed functions:
//   window.__report(json)            the final result (a JSON string or a plain value); ends the run
//   window.__log(line)               a progress line
//   window.__writeFile(name, base64) a file for the caller (e.g. a checkpoint or a CSV)
// Uncaught page errors fail the run; console errors are forwarded as log lines. The browser and
// the server are closed on every path (result, error, timeout).
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { chromiumArgs, chromiumPath } from '../../test/chromium.ts';

export interface RunInChromiumOptions {
  /** Path served by the dev server, e.g. '/bench/index.html'. */
  page: string;
  /** Appended to the page URL as its query string. */
  query?: Record<string, string>;
  /** Whole-run limit, including server start and page load. */
  timeoutMs: number;
  /** Progress lines from the page (`__log`), console errors and runner notes; default: stdout. */
  onLog?: (line: string) => void;
  /** Files from the page (`__writeFile`); names are plain relative paths (checked). */
  onFile?: (name: string, bytes: Uint8Array) => void | Promise<void>;
}

export interface AdapterSummary { vendor: string; architecture: string; description: string }

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Reject names that could escape a caller's output folder. */
export function checkFileName(name: string): string {
  if (typeof name !== 'string' || !/^[\w.-]+(\/[\w.-]+)*$/.test(name) || name.split('/').some((p) => p === '..' || p === '.')) {
    throw new Error(`__writeFile: unsafe file name ${JSON.stringify(name)} (use letters, digits, . _ - and / only)`);
  }
  return name;
}

async function startServer(): Promise<{ server: ViteDevServer; origin: string }> {
  const server = await createServer({
    root: projectRoot,
    configFile: `${projectRoot}vite.config.ts`,
    logLevel: 'error',
    clearScreen: false,
    server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false, open: false },
  });
  await server.listen();
  const addr = server.httpServer?.address();
  if (!addr || typeof addr === 'string') {
    await server.close();
    throw new Error('vite dev server did not report a TCP address');
  }
  return { server, origin: `http://127.0.0.1:${addr.port}` };
}

/** Run `opts.page` to completion and return what it passed to `__report`. */
export async function runInChromium(opts: RunInChromiumOptions): Promise<unknown> {
  const log = opts.onLog ?? ((line: string) => console.log(line));
  // Everything opened so far; `done` stops a setup that is still running after a timeout.
  const held: { server?: ViteDevServer; browser?: Browser; done: boolean } = { done: false };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const setup = async (resolve: (v: unknown) => void, reject: (e: Error) => void): Promise<void> => {
    const { server, origin } = await startServer();
    held.server = server;
    if (held.done) return void (await server.close()); // timed out while starting: finally has run
    const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, headless: true });
    held.browser = browser;
    if (held.done) return void (await browser.close());
    const page = await browser.newPage();
    page.on('pageerror', (e) => reject(new Error(`page error in ${opts.page}: ${e.message}`)));
    page.on('crash', () => reject(new Error(`the page ${opts.page} crashed`)));
    page.on('console', (m) => {
      if (m.type() === 'error') log(`[console.error] ${m.text()}`);
    });
    await page.exposeFunction('__log', (line: unknown) => log(String(line)));
    await page.exposeFunction('__report', (json: unknown) => {
      try {
        resolve(typeof json === 'string' ? JSON.parse(json) : json);
      } catch (e) {
        reject(new Error(`__report: the page sent invalid JSON (${(e as Error).message})`));
      }
    });
    await page.exposeFunction('__writeFile', async (name: unknown, base64: unknown) => {
      const safe = checkFileName(String(name));
      const bytes = new Uint8Array(Buffer.from(String(base64), 'base64'));
      if (opts.onFile) await opts.onFile(safe, bytes);
      else log(`[headless] ignored file ${safe} (${bytes.byteLength} bytes): no onFile handler`);
    });
    const url = new URL(opts.page, origin);
    for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.set(k, v);
    log(`[headless] ${url.href}`);
    // A cold Vite transform on a loaded machine can take minutes.
    await page.goto(url.href, { waitUntil: 'load', timeout: 300_000 });
    const adapter: AdapterSummary | null = await page.evaluate(async () => {
      const a = await navigator.gpu?.requestAdapter();
      return a ? { vendor: a.info.vendor, architecture: a.info.architecture, description: a.info.description } : null;
    });
    log(adapter
      ? `[headless] WebGPU adapter: ${adapter.vendor} / ${adapter.architecture}${adapter.description ? ` (${adapter.description})` : ''}`
      : '[headless] no WebGPU adapter in this browser');
  };
  try {
    return await new Promise<unknown>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`runInChromium: ${opts.page} did not report within ${opts.timeoutMs} ms`)), opts.timeoutMs);
      setup(resolve, reject).catch(reject);
    });
  } finally {
    held.done = true;
    clearTimeout(timer);
    await held.browser?.close().catch(() => {});
    await held.server?.close().catch(() => {});
  }
}
