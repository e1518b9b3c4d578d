import { fileURLToPath, URL } from 'node:url';
import react from '@vitejs/plugin-react';
import type { ProxyOptions } from 'vite';
import { defineConfig } from 'vitest/config';

// The Go server serves the SPA under /admin/ and the JSON API under
// /admin/api/v1. In development, Vite serves the SPA and forwards the API and
// the sign-in redirects to a running Headway (HEADWAY_BACKEND).
const backend = process.env.HEADWAY_BACKEND ?? 'http://127.0.0.1:3000';

// Headway refuses unsafe requests (POST, DELETE, …) whose Origin is not its
// own base URL, as a second defence against cross-site requests. Through this
// proxy the browser's Origin is Vite's (http://localhost:5173), so the proxy
// presents the request as coming from the backend's own origin: changeOrigin
// rewrites Host, and the proxyReq hook rewrites Origin when the browser sent
// one. This is for development only; in production the SPA and the API share
// an origin. (Redirects the server builds from its base URL, such as the end
// of single sign-on, land on the backend's address, not Vite's.) The server
// accepts only the origin of its server.base_url; when that differs from
// HEADWAY_BACKEND (say localhost against 127.0.0.1), set
// HEADWAY_SERVER__BASE_URL as for the server.
const backendOrigin = new URL(process.env.HEADWAY_SERVER__BASE_URL || backend).origin;

// Pages of the SPA that live under a proxied prefix: Vite serves them, as the
// Go server does.
const spaPages = new Set(['/admin/api/docs']);

const backendProxy: ProxyOptions = {
  target: backend,
  changeOrigin: true,
  bypass: (req) => {
    const path = (req.url ?? '').split(/[?#]/)[0] ?? '';
    return spaPages.has(path) ? '/admin/index.html' : undefined;
  },
  configure: (proxy) => {
    proxy.on('proxyReq', (proxyReq) => {
      if (proxyReq.getHeader('origin') !== undefined) proxyReq.setHeader('origin', backendOrigin);
    });
  },
};

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
      '/admin/api': backendProxy,
      '/admin/oidc': backendProxy,
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
