import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The app itself. Tests use vitest.config.ts, which extends this.
export default defineConfig({
  plugins: [react()],
  // onnxruntime-web ships its own wasm/worker files; pre-bundling breaks their relative URLs.
  // Scan every page up front so a first visit to the bench/experiment/train pages never hits a
  // mid-run dependency re-optimisation (which reloads the page: "504 Outdated Optimize Dep").
  optimizeDeps: {
    exclude: ['onnxruntime-web'],
    entries: ['index.html', 'bench/index.html', 'experiment/index.html', 'scripts/train-toy/index.html'],
  },
  worker: { format: 'es' },
  server: { host: '127.0.0.1', port: 5173, strictPort: false },
  build: { target: 'es2022', outDir: 'dist' },
});
