// Browser smoke test against a running Headway, in the system Chromium.
//
//   HEADWAY_URL        where Headway listens, e.g. http://127.0.0.1:3000 (required)
//   HEADSCALE_VERSION  the Headscale version the status page must show, e.g. v0.29.2 (required)
//   CHROMIUM_PATH      the browser to drive (default /usr/bin/chromium)
//
// Run with `npm run test:e2e`.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

function required(name: string, example: string): string {
  const value = process.env[name]?.trim();
  if (!value) {
    throw new Error(`${name} is not set: the browser smoke test needs it (for example ${name}=${example}).`);
  }
  return value;
}

const baseUrl = required('HEADWAY_URL', 'http://127.0.0.1:3000').replace(/\/+$/, '');
const headscaleVersion = required('HEADSCALE_VERSION', 'v0.29.2');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let browser: Browser;

beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

afterAll(async () => {
  await browser.close();
});

/**
 * strictPage opens a page that records console errors, uncaught exceptions and
 * failed requests. Content-Security-Policy violations show up as console
 * errors, so the server's CSP is checked too.
 */
async function strictPage(): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`uncaught exception: ${err.message}`));
  page.on('requestfailed', (req) =>
    problems.push(`request failed: ${req.url()} (${req.failure()?.errorText ?? 'unknown'})`),
  );
  return { context, page, problems };
}

async function visible(page: Page, locator: ReturnType<Page['getByRole']>, what: string) {
  try {
    await locator.first().waitFor({ state: 'visible', timeout: 15_000 });
  } catch {
    const text = await page.locator('body').innerText().catch(() => '(no body)');
    throw new Error(`${what} is not visible at ${page.url()}. The page shows:\n${text}`);
  }
}

async function expectStatusPage(page: Page) {
  await visible(page, page.getByRole('heading', { level: 1, name: 'Status' }), 'the Status heading');
  const headscale = page.getByRole('region', { name: 'Headscale' });
  await visible(page, headscale.getByText('Reachable', { exact: true }), 'Headscale "Reachable"');
  await visible(page, headscale.getByText(headscaleVersion, { exact: true }), `Headscale version ${headscaleVersion}`);
}

async function expectNotFoundPage(page: Page) {
  await visible(page, page.getByRole('heading', { level: 1, name: 'Page not found' }), 'the not-found page');
  await visible(page, page.getByRole('link', { name: /go to the status page/i }), 'the link home');
}

/**
 * seriousA11yViolations runs axe in a page and returns its serious and
 * critical violations, formatted. Axe is injected as an inline script, which
 * the server's CSP rightly forbids, so these pages bypass CSP; the strict
 * pages above check CSP.
 */
async function seriousA11yViolations(path: string, colorScheme: 'light' | 'dark', ready: (p: Page) => Promise<void>) {
  const context = await browser.newContext({ bypassCSP: true, colorScheme });
  try {
    const page = await context.newPage();
    await page.goto(`${baseUrl}${path}`);
    await ready(page);
    await page.addScriptTag({ content: axeSource });
    const violations = await page.evaluate(async () => {
      type AxeResult = {
        violations: { id: string; impact?: string | null; help: string; nodes: { target: unknown[] }[] }[];
      };
      const axe = (window as unknown as { axe: { run: (ctx: Document) => Promise<AxeResult> } }).axe;
      const result = await axe.run(document);
      return result.violations.map((v) => ({
        id: v.id,
        impact: v.impact ?? 'unknown',
        help: v.help,
        targets: v.nodes.map((n) => n.target.join(' ')),
      }));
    });
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${path} (${colorScheme}): [${v.impact}] ${v.id}: ${v.help} at ${v.targets.join(', ')}`);
  } finally {
    await context.close();
  }
}

describe(`Headway at ${baseUrl}`, () => {
  it('shows the status page with Headscale reachable', async () => {
    const { context, page, problems } = await strictPage();
    try {
      const response = await page.goto(`${baseUrl}/admin/`);
      expect(response?.status()).toBe(200);
      await expectStatusPage(page);
      expect(await page.title()).toContain('Headway');
      // Let the app settle so late errors are caught.
      await page.waitForLoadState('networkidle');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('renders client routes from the index.html fallback', async () => {
    const { context, page, problems } = await strictPage();
    try {
      const response = await page.goto(`${baseUrl}/admin/some/deep/route`);
      expect(response?.status()).toBe(200);
      expect(response?.headers()['content-type']).toMatch(/text\/html/);
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
    for (const colorScheme of ['light', 'dark'] as const) {
      found.push(...(await seriousA11yViolations('/admin/', colorScheme, expectStatusPage)));
      found.push(...(await seriousA11yViolations('/admin/some/deep/route', colorScheme, expectNotFoundPage)));
    }
    expect(found).toEqual([]);
  });
});
