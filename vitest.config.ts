import { defineConfig, mergeConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import viteConfig from './vite.config.ts';
import { chromiumArgs, chromiumPath } from './test/chromium.ts';

// Vitest 5's error summary calls Map.groupBy, which Node 20 lacks. npm scripts run on the Node 22
// that `npm ci` puts in node_modules (devDependency `node`); this keeps a direct `npx vitest` on an
// older system Node printing failures instead of crashing the reporter.
if (!('groupBy' in Map)) {
  Object.defineProperty(Map, 'groupBy', {
    value<K, T>(items: Iterable<T>, key: (item: T, i: number) => K): Map<K, T[]> {
      const out = new Map<K, T[]>();
      let i = 0;
      for (const item of items) {
        const k = key(item, i++);
        const list = out.get(k);
        if (list) list.push(item);
        else out.set(k, [item]);
      }
      return out;
    },
  });
}

/** Vitest browser mode on headless Chromium (real WebGPU: SwiftShader without a GPU); a fresh
 * object per project, since Vitest names each project's browser instance in place. */
const headlessChromium = () => ({
  enabled: true,
  headless: true,
  screenshotFailures: false,
  provider: playwright({ launchOptions: { executablePath: chromiumPath, args: chromiumArgs } }),
  instances: [{ browser: 'chromium' as const }],
});

// Three worlds: pure modules in Node, GPU code in headless Chromium (real WebGPU adapter),
// end-to-end flows driven by Playwright against the dev server.
export default mergeConfig(
  viteConfig({ command: 'serve', mode: 'test' }),
  defineConfig({
    test: {
      reporters: ['default', './test/summaryReporter.ts'],
      projects: [
        {
          extends: true,
          test: {
            name: 'node',
            include: ['test/unit/**/*.test.ts'],
            environment: 'node',
            // One worker process for all ~150 files instead of a fresh one per file (the modules
            // they share load once). No node test mocks modules or stubs globals; the three that
            // set WebGPU's flag constants on globalThis set the same values, which nothing else reads.
            isolate: false,
          },
        },
        {
          extends: true,
          // Pre-bundled up front: discovered mid-run, react-dom would be optimised apart from the
          // react already loaded, and the first UI test would see two Reacts ("Invalid hook call").
          optimizeDeps: { include: ['react', 'react-dom', 'react-dom/client'] },
          test: {
            name: 'browser',
            // All files in one page: the WebGPU device (test/gpu/engine/helpers.ts), ONNX Runtime's
            // compiled shaders and the modules load once (the GPU files took ~30 % less time; ORT's
            // per-shape shader compiles on SwiftShader were most of several files' time). Tests that
            // destroy a device destroy their own; gpu() replaces a lost shared one.
            isolate: false,
            include: ['test/gpu/**/*.test.ts'],
            // UI hooks and the chart warm-up want a page of their own (idle callbacks, timers, DOM).
            exclude: ['test/gpu/ui/**'],
            // Tiny Llama-family models + the torch reference's expectations, fetched through this
            // server from test/.generated/llama/ (test/util/llamaFixtures.ts).
            // and the torch reference's outputs for the bundled toy Llama (test/util/toyLlamaFixture.ts).
            globalSetup: ['test/globalSetup/llamaReference.ts', 'test/globalSetup/toyLlamaReference.ts'],
            testTimeout: 180_000,
            hookTimeout: 180_000,
            fileParallelism: false,
            browser: headlessChromium(),
          },
        },
        {
          extends: true,
          optimizeDeps: { include: ['react', 'react-dom', 'react-dom/client'] },
          test: {
            name: 'browser-ui',
            include: ['test/gpu/ui/**/*.test.ts'],
            fileParallelism: false,
            browser: headlessChromium(),
          },
        },
        {
          extends: true,
          test: {
            name: 'e2e',
            include: ['test/e2e/**/*.test.ts'],
            environment: 'node',
            // Not isolated: Vitest puts isolated single-worker projects in a group that runs after
            // every other, so an isolated e2e project would wait for the browser project; this way
            // the two run side by side. Each file still starts its own browser and fresh pages.
            isolate: false,
            // One dev server for all files (test/e2e/harness.ts reads its URL).
            globalSetup: ['test/globalSetup/e2eDevServer.ts'],
            testTimeout: 300_000,
            hookTimeout: 120_000,
            fileParallelism: false,
          },
        },
      ],
    },
  }),
);
