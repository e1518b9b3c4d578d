// Browser test of the public API reference (/admin/api/docs) against a running
// Headway, in the system Chromium. Environment: see smoke.test.ts.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonymousMe, baseUrl, expectHeadscaleReachable, launchBrowser, seriousA11yViolations, strictPage, visible } from './support';

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser.close();
});

/** expectReference waits for the reference page, loaded from the contract. */
async function expectReference(page: Page) {
  await visible(page, page.getByRole('heading', { level: 1, name: 'Headway API' }), 'the "Headway API" heading');
  await visible(page, page.locator('section#getMe'), 'the getMe operation');
}

/** operations are the operation sections shown. */
function operations(page: Page) {
  return page.locator('section.operation');
}

describe(`the API reference at ${baseUrl}/admin/api/docs`, () => {
  it('shows the contract to anyone, and filters operations', async () => {
    const { context, page, problems } = await strictPage(browser, { expectedStatus: [anonymousMe] });
    try {
      const response = await page.goto(`${baseUrl}/admin/api/docs`);
      expect(response?.status()).toBe(200);
      await expectReference(page);
      // Still here: the reference needs no sign-in.
      expect(new URL(page.url()).pathname).toBe('/admin/api/docs');
      expect(await page.title()).toContain('Headway');

      const getMe = page.locator('section#getMe');
      await visible(page, getMe.getByRole('heading', { level: 3, name: 'Who is calling' }), 'getMe\'s heading');
      await visible(page, getMe.getByText('/me', { exact: true }), 'getMe\'s path');
      await visible(page, getMe.getByText('authenticated', { exact: true }), 'getMe\'s capability "authenticated"');
      await visible(page, page.getByRole('region', { name: 'Schemas' }).locator('#schema-Me'), 'the Me schema');

      const all = await operations(page).count();
      await page.getByRole('searchbox', { name: 'Filter operations' }).fill('sessions');
      await visible(page, page.getByText(/ of \d+ operations match$/), 'the filter\'s count');
      const filtered = await operations(page).count();
      expect(filtered).toBeGreaterThan(0);
      expect(filtered).toBeLessThan(all);
      expect(await page.locator('section#getMe').count()).toBe(0);
      await visible(page, page.locator('section#listSessions'), 'the listSessions operation');

      await page.waitForLoadState('networkidle');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('is linked from the login page', async () => {
    const { context, page, problems } = await strictPage(browser, { expectedStatus: [anonymousMe] });
    try {
      await page.goto(`${baseUrl}/admin/login`);
      // Let the page's own requests finish, so leaving it cancels none of them.
      await expectHeadscaleReachable(page);
      const link = page.getByRole('link', { name: 'API reference' });
      await visible(page, link, 'the "API reference" link');
      await link.click();
      await expectReference(page);
      await page.waitForLoadState('networkidle');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('has no serious accessibility violations', async () => {
    const found: string[] = [];
    for (const colorScheme of ['light', 'dark'] as const) {
      found.push(...(await seriousA11yViolations(browser, '/admin/api/docs', colorScheme, expectReference)));
    }
    expect(found).toEqual([]);
  });
});
