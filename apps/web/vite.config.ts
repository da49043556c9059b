import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

const lib = (path: string) => fileURLToPath(new URL(`../../libs/${path}`, import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  resolve: {
    alias: {
      // The web app uses only the browser-safe parts: the domain model and the shared event types.
      '@oar-live/oar-client': lib('oar-client/src/model.ts'),
      '@oar-live/shared': lib('shared/src/index.ts'),
    },
  },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  server: { proxy: { '/api': 'http://127.0.0.1:8080', '/socket.io': { target: 'http://127.0.0.1:8080', ws: true } } },
});
