import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';
import { contentSecurityPolicy, siteHeaders } from './src/site/policy.ts';

/**
 * The site policy (src/site/policy.ts): the build's index.html carries the CSP as a meta tag; the
 * dev and preview servers send it and COOP/COEP as headers. Not under Vitest: its browser-mode
 * runner serves its own pages (inline scripts) and the tests that need the policy start a server.
 */
function sitePolicy(): Plugin {
  return {
    name: 'repro-site-policy',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        if (ctx.server) return html;
        const meta = `<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy()}" />`;
        return html.replace('<meta charset="UTF-8" />', `<meta charset="UTF-8" />\n    ${meta}`);
      },
    },
    configureServer(server) {
      if (process.env.VITEST) return;
      const headers = siteHeaders({ dev: true });
      server.middlewares.use((_req, res, next) => {
        for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
        next();
      });
    },
    configurePreviewServer(server) {
      const headers = siteHeaders();
      server.middlewares.use((_req, res, next) => {
        for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
        next();
      });
    },
  };
}

// The app itself. Tests use vitest.config.ts, which extends this.
export default defineConfig(({ command }) => ({
  // A relative base: one build serves at any path (a host's root or a sub-path such as
  // /repro-playground/); src/site/siteUrl.ts builds the URLs of public/ files from it.
  base: command === 'build' ? './' : '/',
  plugins: [
    react(),
    sitePolicy(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src/site',
      filename: 'sw.ts',
      injectRegister: false,
      manifest: false,
      devOptions: { enabled: false },
      injectManifest: {
        rollupFormat: 'iife',
        // The app shell, ORT's wasm, KaTeX's fonts (woff2: what browsers load), the bundled models
        // and the example sets (the wasm is ~28 MB).
        globPatterns: ['**/*.{html,js,mjs,css,wasm,woff2}', 'models/**/*', 'examples/*'],
        globIgnores: ['**/eval.json', '**/train-log*'],
        maximumFileSizeToCacheInBytes: 40 * 1024 * 1024,
      },
    }),
  ],
  // onnxruntime-web ships its own wasm/worker files; pre-bundling breaks their relative URLs.
  // Scan every page up front so a first visit to the bench/experiment/train pages never hits a
  // mid-run dependency re-optimisation (which reloads the page: "504 Outdated Optimize Dep").
  optimizeDeps: {
    exclude: ['onnxruntime-web'],
    entries: ['index.html', 'bench/index.html', 'experiment/index.html', 'scripts/train-toy/index.html', 'scripts/train-toy/llama.html'],
  },
  worker: { format: 'es' },
  server: { host: '127.0.0.1', port: 5173, strictPort: false },
  preview: { host: '127.0.0.1', port: 4173, strictPort: false },
  build: {
    target: 'es2022',
    outDir: 'dist',
    // Fonts (KaTeX's) stay files: a small one inlined as a data: URL is blocked by the CSP's
    // font-src 'self' (src/site/policy.ts), which stays as it is.
    assetsInlineLimit: (file: string) => (/\.(woff2?|ttf)$/.test(file) ? false : undefined),
  },
}));
