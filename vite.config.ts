import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The app itself. Tests use vitest.config.ts, which extends this.
export default defineConfig({
  plugins: [react()],
  // onnxruntime-web ships its own wasm/worker files; pre-bundling breaks their relative URLs.
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  worker: { format: 'es' },
  server: { host: '127.0.0.1', port: 5173, strictPort: false },
  build: { target: 'es2022', outDir: 'dist' },
});
