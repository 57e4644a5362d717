import { defineConfig, mergeConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';
import viteConfig from './vite.config.ts';
import { chromiumArgs, chromiumPath } from './test/chromium.ts';

// Three worlds: pure modules in Node, GPU code in headless Chromium (real WebGPU adapter),
// end-to-end flows driven by Playwright against the dev server.
export default mergeConfig(
  viteConfig,
  defineConfig({
    test: {
      reporters: ['default', './test/summaryReporter.ts'],
      projects: [
        {
          extends: true,
          test: { name: 'node', include: ['test/unit/**/*.test.ts'], environment: 'node' },
        },
        {
          extends: true,
          test: {
            name: 'browser',
            include: ['test/gpu/**/*.test.ts'],
            testTimeout: 180_000,
            hookTimeout: 180_000,
            fileParallelism: false,
            browser: {
              enabled: true,
              headless: true,
              screenshotFailures: false,
              provider: playwright({ launchOptions: { executablePath: chromiumPath, args: chromiumArgs } }),
              instances: [{ browser: 'chromium' }],
            },
          },
        },
        {
          extends: true,
          test: {
            name: 'e2e',
            include: ['test/e2e/**/*.test.ts'],
            environment: 'node',
            testTimeout: 300_000,
            hookTimeout: 120_000,
            fileParallelism: false,
          },
        },
      ],
    },
  }),
);
