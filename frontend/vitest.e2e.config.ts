import type { TestSpecification } from 'vitest/node';
import { BaseSequencer } from 'vitest/node';
import { defineConfig } from 'vitest/config';

/**
 * ByName runs the test files in name order. The files share one Headway, and
 * the first person ever to sign in becomes its owner: e2e/roles.test.ts must
 * come before e2e/sign-in.test.ts, so Alice's first sign-in is there.
 */
class ByName extends BaseSequencer {
  override sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return Promise.resolve([...files].sort((a, b) => a.moduleId.localeCompare(b.moduleId)));
  }
}

// Browser smoke tests against a running Headway (HEADWAY_URL), driven by the
// system Chromium through playwright-core. See e2e/smoke.test.ts.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['e2e/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    sequence: { sequencer: ByName },
  },
});
