// Browser tests of signing in and out, against a running Headway started with
// the development identity provider configured (deploy/local/e2e.sh does).
//
//   HEADWAY_URL             where Headway listens (required)
//   HEADSCALE_VERSION       the Headscale version the login page shows (required)
//   HEADWAY_E2E_API_KEY     a Headscale API key to sign in with (required)
//   HEADWAY_E2E_OIDC_USER   whom to sign in as at the identity provider (default Alice)
//   CHROMIUM_PATH           the browser to drive (default /usr/bin/chromium)
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  anonymousMe,
  apiKeyLabel,
  baseOrigin,
  baseUrl,
  e2eApiKey,
  expectLoginPage,
  expectStatusPage,
  header,
  launchBrowser,
  openSettings,
  signInWithApiKey,
  skipOnboardingIfShown,
  strictPage,
  visible,
  waitForPath,
} from './support';

const oidcUser = process.env.HEADWAY_E2E_OIDC_USER?.trim() || 'Alice';

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser.close();
});

/**
 * signOutAndStayOut signs out from the header and checks the login page says
 * so and stays put: it must not start single sign-on again by itself.
 */
async function signOutAndStayOut(page: Page) {
  const left: string[] = [];
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame() && new URL(frame.url()).origin !== baseOrigin) left.push(frame.url());
  });
  await page.getByRole('button', { name: 'Sign out' }).click();
  await waitForPath(page, '/admin/login');
  await visible(page, page.getByRole('status').filter({ hasText: 'You are signed out.' }), '"You are signed out."');
  await page.waitForTimeout(2_000);
  const url = new URL(page.url());
  expect(`${url.origin}${url.pathname}`).toBe(`${baseOrigin}/admin/login`);
  expect(left).toEqual([]);
  await expect(header(page).getByRole('button', { name: 'Sign out' }).count()).resolves.toBe(0);

  // The session is gone on the server too.
  await page.goto(`${baseUrl}/admin/settings/sessions`);
  await waitForPath(page, '/admin/login');
  expect(new URL(page.url()).searchParams.get('return_to')).toBe('/admin/settings/sessions');
  await expectLoginPage(page);
}

describe('signing in', () => {
  it('signs in through single sign-on, lists the session, and signs out without bouncing back', async () => {
    const { context, page, problems } = await strictPage(browser, {
      expectedStatus: [anonymousMe],
      allowAborted: true,
    });
    try {
      await page.goto(`${baseUrl}/admin/`);
      await waitForPath(page, '/admin/login');
      await expectLoginPage(page);

      const sso = page.getByRole('link', { name: 'Sign in with single sign-on' });
      try {
        await sso.waitFor({ state: 'visible', timeout: 10_000 });
      } catch {
        const text = await page.locator('body').innerText();
        throw new Error(
          'The login page offers no single sign-on: start Headway with the development identity provider ' +
            `configured (deploy/local/e2e.sh does). The page shows:\n${text}`,
        );
      }
      await sso.click();

      // The development identity provider lists its users, one button each.
      const choose = page.getByRole('button', { name: new RegExp(`^Sign in as ${oidcUser}`) });
      await visible(page, choose, `the identity provider's "Sign in as ${oidcUser}…" button`);
      const name = ((await choose.first().textContent()) ?? '').replace(/^Sign in as\s+/, '').trim();
      await choose.first().click();

      // A first sign-in goes through onboarding, which can be skipped.
      await skipOnboardingIfShown(page, page.getByRole('heading', { level: 1, name: 'Status' }));
      await waitForPath(page, '/admin/');
      await expectStatusPage(page);
      await visible(page, header(page).getByText(name, { exact: true }), `"${name}" in the header`);

      await openSettings(page, 'Sessions');
      await visible(page, page.getByRole('heading', { level: 1, name: 'Sessions' }), 'the Sessions heading');
      const mine = page.getByRole('row').filter({ hasText: 'This session' });
      await visible(page, mine, 'this session in the list');
      await expect(mine.count()).resolves.toBe(1);
      await visible(page, mine.getByRole('button', { name: 'Revoke this session' }), 'its Revoke button');

      await signOutAndStayOut(page);
      await page.waitForLoadState('networkidle');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('signs in with a Headscale API key and signs out', async () => {
    const apiKey = e2eApiKey();
    const { context, page, problems } = await strictPage(browser, {
      expectedStatus: [anonymousMe],
      allowAborted: true,
    });
    try {
      await page.goto(`${baseUrl}/admin/login`);
      await expectLoginPage(page);
      await signInWithApiKey(page, apiKey);

      await waitForPath(page, '/admin/');
      await expectStatusPage(page);
      await visible(page, header(page).getByText(apiKeyLabel(apiKey)), `"${apiKeyLabel(apiKey)}…" in the header`);

      await signOutAndStayOut(page);
      await page.waitForLoadState('networkidle');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("shows the server's message for a key Headscale does not accept", async () => {
    const { context, page, problems } = await strictPage(browser, {
      expectedStatus: [
        anonymousMe,
        { status: 400, path: '/admin/api/v1/auth/apikey' },
        { status: 401, path: '/admin/api/v1/auth/apikey' },
      ],
    });
    try {
      await page.goto(`${baseUrl}/admin/login`);
      await expectLoginPage(page);

      // Well-formed, so Headscale is asked, but no such key exists.
      const wrongKey = `hskey-api-AAAAAAAAAAAA-${'A'.repeat(64)}`;
      const answered = page.waitForResponse(
        (r) => r.url().endsWith('/admin/api/v1/auth/apikey') && r.request().method() === 'POST',
      );
      await signInWithApiKey(page, wrongKey);
      const response = await answered;
      expect(response.status()).toBeGreaterThanOrEqual(400);
      const body = (await response.json()) as { error: { code: string; message: string } };

      const alert = page.getByRole('alert').filter({ hasText: body.error.message });
      await visible(page, alert, `the server's message "${body.error.message}"`);
      await expect(page.getByLabel('Headscale API key').getAttribute('aria-invalid')).resolves.toBe('true');
      expect(new URL(page.url()).pathname).toBe('/admin/login');
      await page.waitForLoadState('networkidle');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
