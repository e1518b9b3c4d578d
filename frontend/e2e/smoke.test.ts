// Browser smoke test against a running Headway, in the system Chromium.
//
//   HEADWAY_URL          where Headway listens, e.g. http://127.0.0.1:3000 (required)
//   HEADSCALE_VERSION    the Headscale version the pages must show, e.g. v0.29.2 (required)
//   HEADWAY_E2E_API_KEY  a Headscale API key to sign in with (required)
//   CHROMIUM_PATH        the browser to drive (default /usr/bin/chromium)
//
// Run with `npm run test:e2e` (deploy/local/e2e.sh starts a throwaway stack and runs it).
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  anonymousMe,
  baseUrl,
  e2eApiKey,
  expectLoginPage,
  expectNotFoundPage,
  expectStatusPage,
  launchBrowser,
  seriousA11yViolations,
  signInWithApiKey,
  strictPage,
  visible,
  waitForPath,
} from './support';

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser.close();
});

function returnTo(page: Page): string | null {
  return new URL(page.url()).searchParams.get('return_to');
}

/** signIn signs in with the API key in page's context, ending on the status page. */
async function signIn(page: Page) {
  await page.goto(`${baseUrl}/admin/login`);
  await signInWithApiKey(page, e2eApiKey());
  await expectStatusPage(page);
}

describe(`Headway at ${baseUrl}`, () => {
  it('sends an anonymous visitor to the login page, which shows Headscale reachable', async () => {
    const { context, page, problems } = await strictPage(browser, { expectedStatus: [anonymousMe] });
    try {
      const response = await page.goto(`${baseUrl}/admin/`);
      expect(response?.status()).toBe(200);
      await waitForPath(page, '/admin/login');
      expect(returnTo(page)).toBe('/admin/');
      await expectLoginPage(page);
      expect(await page.title()).toContain('Headway');
      // Let the app settle so late errors are caught.
      await page.waitForLoadState('networkidle');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('renders client routes from the index.html fallback, behind sign-in', async () => {
    const { context, page, problems } = await strictPage(browser, { expectedStatus: [anonymousMe] });
    try {
      const response = await page.goto(`${baseUrl}/admin/some/deep/route`);
      expect(response?.status()).toBe(200);
      expect(response?.headers()['content-type']).toMatch(/text\/html/);
      await waitForPath(page, '/admin/login');
      expect(returnTo(page)).toBe('/admin/some/deep/route');
      await expectLoginPage(page);

      // Signing in returns to the deep route, which is the not-found page.
      await signInWithApiKey(page, e2eApiKey());
      await waitForPath(page, '/admin/some/deep/route');
      await expectNotFoundPage(page);

      await page.getByRole('link', { name: /go to the status page/i }).click();
      await expectStatusPage(page);
      expect(new URL(page.url()).pathname).toBe('/admin/');
      await page.waitForLoadState('networkidle');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('has no serious accessibility violations', async () => {
    const found: string[] = [];
    const sessionsPage = async (p: Page) => {
      await visible(p, p.getByRole('heading', { level: 1, name: 'Sessions' }), 'the Sessions heading');
      await visible(p, p.getByText('This session', { exact: true }), 'the "This session" badge');
    };
    for (const colorScheme of ['light', 'dark'] as const) {
      found.push(...(await seriousA11yViolations(browser, '/admin/login', colorScheme, expectLoginPage)));
      found.push(
        ...(await seriousA11yViolations(browser, '/admin/login?signed_out=1', colorScheme, async (p) => {
          await expectLoginPage(p);
          await visible(p, p.getByText('You are signed out.'), 'the signed-out notice');
        })),
      );
      found.push(...(await seriousA11yViolations(browser, '/admin/', colorScheme, expectStatusPage, signIn)));
      found.push(
        ...(await seriousA11yViolations(browser, '/admin/some/deep/route', colorScheme, expectNotFoundPage, signIn)),
      );
      found.push(
        ...(await seriousA11yViolations(browser, '/admin/settings/sessions', colorScheme, sessionsPage, signIn)),
      );
    }
    expect(found).toEqual([]);
  });
});
