import { fileURLToPath, URL } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// The Go server serves the SPA under /admin/ and the JSON API under
// /admin/api/v1. In development, Vite serves the SPA and forwards the API and
// the sign-in redirects to a running Headway (HEADWAY_BACKEND).
const backend = process.env.HEADWAY_BACKEND ?? 'http://127.0.0.1:3000';

export default defineConfig({
  base: '/admin/',
  plugins: [react()],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    // dist/.keep is committed so the Go embed compiles on a fresh clone;
    // the build script recreates it after Vite empties the directory.
    emptyOutDir: true,
    // Inline data: URIs would need a looser CSP; always emit files.
    assetsInlineLimit: 0,
  },
  server: {
    proxy: {
      '/admin/api': { target: backend, changeOrigin: false },
      '/admin/oidc': { target: backend, changeOrigin: false },
    },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['./src/testing/setup.ts'],
    restoreMocks: true,
    unstubGlobals: true,
  },
});
