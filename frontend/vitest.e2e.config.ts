import { defineConfig } from 'vitest/config';

// Browser smoke tests against a running Headway (HEADWAY_URL), driven by the
// system Chromium through playwright-core. See e2e/smoke.test.ts.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['e2e/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
