// Shared helpers for the browser tests: the browser, pages that record
// problems, waiting with a readable failure, accessibility checks, sign-in.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type Browser, type BrowserContext, type Locator, type Page, chromium } from 'playwright-core';

export function required(name: string, example: string): string {
  const value = process.env[name]?.trim();
  if (!value) {
    throw new Error(`${name} is not set: the browser tests need it (for example ${name}=${example}).`);
  }
  return value;
}

export const baseUrl = required('HEADWAY_URL', 'http://127.0.0.1:3000').replace(/\/+$/, '');
export const baseOrigin = new URL(baseUrl).origin;
export const headscaleVersion = required('HEADSCALE_VERSION', 'v0.29.2');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** e2eApiKey is the Headscale API key to type into the sign-in page (HEADWAY_E2E_API_KEY). */
export function e2eApiKey(): string {
  return required('HEADWAY_E2E_API_KEY', 'hskey-api-… (create one with `headscale apikeys create`)');
}

/** apiKeyLabel is how the header names an API-key session: "API key hskey-api-<prefix>". */
export function apiKeyLabel(key: string): string {
  const prefix = key.startsWith('hskey-api-') ? key.slice(0, 'hskey-api-'.length + 12) : key.split('.')[0];
  return `API key ${prefix}`;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
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
}

type StrictOptions = {
  /**
   * Error statuses some calls are expected to answer, by path: GET /me says
   * 401 to anyone not signed in, which Chromium logs as a console error.
   */
  expectedStatus?: { status: number; path: string }[];
  /**
   * Whether requests cut short by a full page load (the single sign-on
   * redirects, signing out) are expected.
   */
  allowAborted?: boolean;
};

/** Anyone not signed in gets 401 from GET /me: an answer, not a problem. */
export const anonymousMe = { status: 401, path: '/admin/api/v1/me' };

/**
 * strictPage opens a page that records console errors, uncaught exceptions
 * and failed requests on Headway's origin (the development identity
 * provider's pages are not under test). Content-Security-Policy violations
 * show up as console errors, so the server's CSP is checked too.
 */
export async function strictPage(
  browser: Browser,
  { expectedStatus = [], allowAborted = false }: StrictOptions = {},
): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems: string[] = [];
  const onHeadway = (url: string) => url === '' || url.startsWith(`${baseOrigin}/`);
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const url = msg.location().url;
    if (!onHeadway(url) && !onHeadway(page.url())) return;
    const failed = /Failed to load resource: the server responded with a status of (\d+)/.exec(msg.text());
    if (failed && url) {
      const path = new URL(url).pathname;
      if (expectedStatus.some((e) => String(e.status) === failed[1] && e.path === path)) return;
    }
    problems.push(`console error: ${msg.text()}${url ? ` (${url})` : ''}`);
  });
  page.on('pageerror', (err) => {
    if (onHeadway(page.url())) problems.push(`uncaught exception: ${err.message}`);
  });
  page.on('requestfailed', (req) => {
    if (!onHeadway(req.url())) return;
    const reason = req.failure()?.errorText ?? 'unknown';
    if (allowAborted && reason === 'net::ERR_ABORTED') return;
    problems.push(`request failed: ${req.url()} (${reason})`);
  });
  return { context, page, problems };
}

/** visible waits for locator, failing with what the page shows instead. */
export async function visible(page: Page, locator: Locator, what: string, timeout = 15_000) {
  try {
    await locator.first().waitFor({ state: 'visible', timeout });
  } catch {
    const text = await page
      .locator('body')
      .innerText()
      .catch(() => '(no body)');
    throw new Error(`${what} is not visible at ${page.url()}. The page shows:\n${text}`);
  }
}

/** waitForPath waits until the page is at pathname on Headway. */
export async function waitForPath(page: Page, pathname: string, timeout = 15_000) {
  try {
    await page.waitForURL((url) => url.origin === baseOrigin && url.pathname === pathname, { timeout });
  } catch {
    const text = await page
      .locator('body')
      .innerText()
      .catch(() => '(no body)');
    throw new Error(`expected to reach ${pathname}, but the page is at ${page.url()} and shows:\n${text}`);
  }
}

export async function expectStatusPage(page: Page) {
  await visible(page, page.getByRole('heading', { level: 1, name: 'Status' }), 'the Status heading');
  await expectHeadscaleReachable(page);
}

/** expectHeadscaleReachable checks the Headscale region of the status or login page. */
export async function expectHeadscaleReachable(page: Page) {
  const headscale = page.getByRole('region', { name: 'Headscale' });
  await visible(page, headscale.getByText('Reachable', { exact: true }), 'Headscale "Reachable"');
  await visible(page, headscale.getByText(headscaleVersion, { exact: true }), `Headscale version ${headscaleVersion}`);
}

export async function expectLoginPage(page: Page) {
  await visible(page, page.getByRole('heading', { level: 1, name: 'Sign in to Headway' }), 'the login page');
  await expectHeadscaleReachable(page);
}

export async function expectNotFoundPage(page: Page) {
  await visible(page, page.getByRole('heading', { level: 1, name: 'Page not found' }), 'the not-found page');
  await visible(page, page.getByRole('link', { name: /go to the status page/i }), 'the link home');
}

/** signInWithApiKey signs in on the login page the browser is showing. */
export async function signInWithApiKey(page: Page, apiKey: string) {
  await visible(page, page.getByLabel('Headscale API key'), 'the API-key field');
  await page.getByLabel('Headscale API key').fill(apiKey);
  await page.getByRole('button', { name: 'Sign in with API key' }).click();
}

/**
 * signInWithSso starts single sign-on from the login page the browser is
 * showing and picks who at the development identity provider ("Alice"
 * matches its button "Sign in as Alice Anderson"). It returns the full name
 * the provider showed, once the browser is back on Headway.
 */
export async function signInWithSso(page: Page, who: string): Promise<string> {
  const sso = page.getByRole('link', { name: 'Sign in with single sign-on' });
  await visible(page, sso, 'the "Sign in with single sign-on" link');
  await sso.click();
  const choose = page.getByRole('button', { name: new RegExp(`^Sign in as ${who}`) });
  await visible(page, choose, `the identity provider's "Sign in as ${who}…" button`);
  const name = ((await choose.first().textContent()) ?? '').replace(/^Sign in as\s+/, '').trim();
  await choose.first().click();
  try {
    await page.waitForURL(
      (url) => url.origin === baseOrigin && url.pathname.startsWith('/admin/') && !url.pathname.startsWith('/admin/oidc/'),
      { timeout: 15_000 },
    );
  } catch {
    throw new Error(`single sign-on as ${who} did not come back to Headway; the page is at ${page.url()}`);
  }
  return name;
}

/** onboardingHeading matches the first heading of either onboarding step. */
export function onboardingHeading(page: Page): Locator {
  return page.getByRole('heading', {
    level: 1,
    name: /^(Connect your first device|Which Headscale user is yours\?)$/,
  });
}

/**
 * skipOnboardingIfShown waits for onboarding or for landed (the page expected
 * otherwise) and skips onboarding when it is shown: a first sign-in.
 */
export async function skipOnboardingIfShown(page: Page, landed: Locator) {
  await visible(page, onboardingHeading(page).or(landed), 'onboarding or the page signed in to');
  if (await onboardingHeading(page).isVisible()) await skipOnboarding(page);
}

/** skipOnboarding skips the onboarding page the browser is showing. */
export async function skipOnboarding(page: Page) {
  const none = page.getByRole('button', { name: 'None of these' });
  const skip = page.getByRole('button', { name: 'Skip for now' });
  await visible(page, none.or(skip), 'onboarding\'s "Skip for now" (or "None of these")');
  if (await none.isVisible()) await none.click();
  await visible(page, skip, 'onboarding\'s "Skip for now"');
  await skip.click();
}

/** header is the site header, where the signed-in person is named. */
export function header(page: Page): Locator {
  return page.getByRole('banner');
}

/**
 * openSettings opens a settings page (Users, Sessions, API tokens,
 * Diagnostics) as someone would: Settings in the header, then the page in
 * the settings navigation.
 */
export async function openSettings(page: Page, name: string) {
  await header(page).getByRole('link', { name: 'Settings', exact: true }).click();
  const link = page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name, exact: true });
  await visible(page, link, `"${name}" in the settings navigation`);
  await link.click();
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * seriousA11yViolations runs axe in a page and returns its serious and
 * critical violations, formatted. Axe is injected as an inline script, which
 * the server's CSP rightly forbids, so these pages bypass CSP; the strict
 * pages check CSP. prepare runs first in the same context (to sign in, say).
 */
export async function seriousA11yViolations(
  browser: Browser,
  path: string,
  colorScheme: 'light' | 'dark',
  ready: (p: Page) => Promise<void>,
  prepare?: (p: Page) => Promise<void>,
) {
  const context = await browser.newContext({ bypassCSP: true, colorScheme });
  try {
    const page = await context.newPage();
    if (prepare) await prepare(page);
    await page.goto(`${baseUrl}${path}`);
    await ready(page);
    return await axeViolations(page, `${path} (${colorScheme})`);
  } finally {
    await context.close();
  }
}

/**
 * axeViolations runs axe in page (whose context must bypass CSP: axe is an
 * inline script) and returns its serious and critical violations, each
 * prefixed with where.
 */
export async function axeViolations(page: Page, where: string): Promise<string[]> {
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
    .map((v) => `${where}: [${v.impact}] ${v.id}: ${v.help} at ${v.targets.join(', ')}`);
}

/** headway calls Headway's API as a script would: with the API key as a bearer token. */
export async function headway(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${baseUrl}/admin/api/v1${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${e2eApiKey()}`,
      Accept: 'application/json',
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** headwayJson calls Headway's API and returns the decoded answer (undefined for 204), failing on any error. */
export async function headwayJson<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await headway(method, path, body);
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (response.status === 204 ? undefined : await response.json()) as T;
}

/** Policy is the answer of GET /policy, as the browser tests use it. */
export type Policy = { policy: string; version: string; mode: string };

/** restorePolicy puts the ACL policy back to original (from GET /policy before a test changed it), if it changed. */
export async function restorePolicy(original: Policy | undefined): Promise<void> {
  if (!original) return;
  const now = await headwayJson<Policy>('GET', '/policy');
  if (now.policy !== original.policy) {
    await headway('PUT', '/policy', { policy: original.policy, baseVersion: now.version });
  }
}
