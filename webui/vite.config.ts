import { defineConfig } from 'vite';

// Everything is bundled: the console makes no request that leaves the box (no CDN scripts or fonts).
export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
  },
  oxc: {
    jsx: { runtime: 'automatic', importSource: 'preact' },
  },
  server: {
    // `npm run dev` talks to an appliance on the default management address.
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
