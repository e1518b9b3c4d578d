// Browser tests of API tokens, the audit log and diagnostics against a
// running Headway (deploy/local/e2e.sh), as Alice, the owner (she signed in
// first, in roles.test.ts): a token created in the interface, shown once,
// used by a script to list machines, revoked in the interface and then
// refused; a policy change found in the audit log by filter, with its diff,
// and exported; the installation checks run for the owner. The policy found
// at the start is put back at the end.
//
//   HEADWAY_URL, HEADSCALE_VERSION, HEADWAY_E2E_API_KEY   as for the other browser tests
import { readFile } from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  anonymousMe,
  axeViolations,
  baseOrigin,
  baseUrl,
  expectStatusPage,
  header,
  headwayJson,
  launchBrowser,
  openSettings,
  type Policy,
  restorePolicy,
  signInWithSso,
  skipOnboardingIfShown,
  strictPage,
  visible,
  waitForPath,
} from './support';

type ErrorBody = { error: { code: string; message: string } };
type AuditEvent = { action: string; actor: { type: string; name: string }; targetId?: string; diff?: string };

const run = Math.random().toString(36).slice(2, 8);
const tokenName = `e2e script ${run}`;
const mark = `e2e-audit-${run}`;

let browser: Browser;
let context: BrowserContext;
let page: Page;
let problems: string[];
let originalPolicy: Policy | undefined;

beforeAll(async () => {
  browser = await launchBrowser();
  originalPolicy = await headwayJson<Policy>('GET', '/policy');
  // Single sign-on leaves Headway for the identity provider and comes back:
  // requests cut short by those page loads are expected.
  const strict = await strictPage(browser, { expectedStatus: [anonymousMe], allowAborted: true });
  context = strict.context;
  page = strict.page;
  problems = strict.problems;
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseOrigin });
});

afterAll(async () => {
  await context.close();
  await browser.close();
  await restorePolicy(originalPolicy);
});

/** signInAsAlice signs in through single sign-on as Alice, the owner, and lands on the status page. */
async function signInAsAlice(p: Page) {
  await p.goto(`${baseUrl}/admin/`);
  await waitForPath(p, '/admin/login');
  await signInWithSso(p, 'Alice');
  await skipOnboardingIfShown(p, p.getByRole('heading', { level: 1, name: 'Status' }));
  await waitForPath(p, '/admin/');
  await expectStatusPage(p);
}

/** bearer calls Headway's API as a script holding token would. */
function bearer(token: string, path: string): Promise<Response> {
  return fetch(`${baseUrl}/admin/api/v1${path}`, {
    headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
  });
}

/** A policy that lets everyone reach everything, with a mark to find it by. */
const policyWith = (name: string) =>
  `{"acls": [{"action": "accept", "src": ["*"], "dst": ["*:*"]}], "groups": {"group:${name}": []}}`;

describe('API tokens', () => {
  it('creates a token, shows it once, and the token works until it is revoked', async () => {
    await signInAsAlice(page);
    await openSettings(page, 'API tokens');
    await waitForPath(page, '/admin/settings/tokens');
    await visible(page, page.getByRole('heading', { level: 1, name: 'API tokens' }), 'the API tokens heading');

    await page.getByRole('button', { name: 'Create token' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create API token' });
    await visible(page, dialog, 'the create dialog');
    await dialog.getByRole('textbox', { name: 'Name' }).fill(tokenName);
    await dialog.getByRole('combobox', { name: 'Role' }).selectOption({ label: 'Viewer' });
    expect(await dialog.getByRole('combobox', { name: 'Expires in' }).inputValue()).toBe('30d');
    await dialog.getByRole('button', { name: 'Create token' }).click();

    const shown = page.getByRole('dialog', { name: `New API token “${tokenName}”` });
    await visible(page, shown, 'the new token');
    await visible(page, shown.getByText('you will not see it again'), 'the warning that it is shown once');
    const token = ((await shown.locator('code').first().textContent()) ?? '').trim();
    expect(token).toMatch(/^hw_\S{20,}$/);
    await shown.getByRole('button', { name: 'Copy token' }).click();
    await visible(page, shown.getByText('Copied', { exact: true }), '"Copied"');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
    await shown.getByRole('button', { name: 'Done' }).click();
    await shown.waitFor({ state: 'hidden' });
    expect(await page.locator('body').textContent()).not.toContain(token);

    // A script lists machines with it, as the viewer it was given.
    const machines = await bearer(token, '/machines');
    expect(machines.status, await machines.clone().text()).toBe(200);
    const me = (await (await bearer(token, '/me')).json()) as { kind: string; tokenName?: string };
    expect(me.kind).toBe('token');
    expect(me.tokenName).toBe(tokenName);

    const row = page.getByRole('table', { name: 'API tokens' }).getByRole('row').filter({ hasText: tokenName });
    await visible(page, row.getByText('Active', { exact: true }), 'the token, active, in the list');
    expect(await row.textContent()).not.toContain(token);
    await row.getByRole('button', { name: `Revoke ${tokenName}` }).click();
    const confirm = page.getByRole('dialog', { name: `Revoke token “${tokenName}”?` });
    await visible(page, confirm, 'the revoke confirmation');
    await confirm.getByRole('button', { name: 'Revoke token' }).click();
    await confirm.waitFor({ state: 'hidden' });
    await visible(page, row.getByText('Revoked', { exact: true }), 'the token, revoked, in the list');

    const refused = await bearer(token, '/machines');
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as ErrorBody).error.code).toBe('token_invalid');
    await page.waitForLoadState('networkidle');
    expect(problems).toEqual([]);
  });
});

describe('audit log', () => {
  it('finds a policy change by filter, shows its diff, and exports the filtered events', async () => {
    const current = await headwayJson<Policy>('GET', '/policy');
    await headwayJson('PUT', '/policy', { policy: policyWith(mark), baseVersion: current.version });

    await header(page).getByRole('link', { name: 'Audit', exact: true }).click();
    await waitForPath(page, '/admin/audit');
    await visible(page, page.getByRole('heading', { level: 1, name: 'Audit log' }), 'the Audit log heading');
    const table = page.getByRole('table', { name: 'Audit events' });
    await visible(page, table, 'the audit events');

    await page.getByRole('combobox', { name: 'Action' }).selectOption('policy.update');
    await page.waitForURL((url) => url.searchParams.get('action') === 'policy.update');
    await visible(page, table.getByRole('row').filter({ hasText: 'policy.update' }), 'a policy.update event');
    // Only policy changes are listed (the header row aside), the newest first.
    await expect
      .poll(async () => new Set(await table.locator('tbody tr td:nth-child(3)').allTextContents()))
      .toEqual(new Set(['policy.update']));

    await table.getByRole('row').nth(1).getByRole('button', { name: /^Details of policy\.update/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Event policy.update' });
    await visible(page, dialog, 'the event detail');
    const diff = dialog.getByRole('group', { name: 'Diff' });
    await visible(page, diff.locator('.diff__line--added').filter({ hasText: `group:${mark}` }), 'the added line');
    await visible(page, dialog.getByText('Succeeded', { exact: true }), 'the result');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'hidden' });

    // The filtered view is in the URL: a reload (or a shared link) shows it again.
    await page.reload();
    await visible(page, table.getByRole('row').filter({ hasText: 'policy.update' }), 'the filtered events after a reload');
    expect(await page.getByRole('combobox', { name: 'Action' }).inputValue()).toBe('policy.update');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Export NDJSON' }).click(),
    ]);
    const exported = (await readFile(await download.path(), 'utf8'))
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as AuditEvent);
    expect(exported.length).toBeGreaterThan(0);
    expect(new Set(exported.map((e) => e.action))).toEqual(new Set(['policy.update']));
    expect(exported.some((e) => e.diff?.includes(`group:${mark}`))).toBe(true);
    await page.waitForLoadState('networkidle');
    expect(problems).toEqual([]);
  });

  it('finds the token’s creation and revocation by actor', async () => {
    await page.goto(`${baseUrl}/admin/audit`);
    const table = page.getByRole('table', { name: 'Audit events' });
    await visible(page, table, 'the audit events');
    await page.getByRole('textbox', { name: 'Actor' }).fill('alice@example.com');
    await page.getByRole('combobox', { name: 'Action' }).selectOption('token.');
    await page.waitForURL(
      (url) => url.searchParams.get('actor') === 'alice@example.com' && url.searchParams.get('action') === 'token.',
    );
    await visible(page, table.getByRole('row').filter({ hasText: 'token.revoke' }), 'the token.revoke event');
    await visible(page, table.getByRole('row').filter({ hasText: 'token.create' }), 'the token.create event');
    await expect
      .poll(async () => new Set(await table.locator('tbody tr td:nth-child(3)').allTextContents()))
      .toEqual(new Set(['token.create', 'token.revoke']));
    await page.waitForLoadState('networkidle');
    expect(problems).toEqual([]);
  });
});

describe('diagnostics', () => {
  it('runs the installation checks for the owner, and again on request', async () => {
    await openSettings(page, 'Diagnostics');
    await waitForPath(page, '/admin/settings/diagnostics');
    await visible(page, page.getByRole('heading', { level: 1, name: 'Diagnostics' }), 'the Diagnostics heading');
    const checks = page.getByRole('list', { name: 'Checks' });
    await visible(page, checks.getByRole('listitem').filter({ hasText: 'database.reachable' }), 'the database check', 30_000);
    expect(await checks.getByRole('listitem').count()).toBeGreaterThan(3);
    await visible(
      page,
      page.getByRole('status').filter({ hasText: /passed|failed|problem/ }),
      'the overall result',
    );

    const again = page.getByRole('button', { name: 'Run again' });
    const rerun = page.waitForResponse((r) => new URL(r.url()).pathname === '/admin/api/v1/diagnostics', {
      timeout: 30_000,
    });
    await again.click();
    expect((await rerun).status()).toBe(200);
    await visible(page, again, 'the Run again button after the second run', 30_000);
    await page.waitForLoadState('networkidle');
    expect(problems).toEqual([]);
  });
});

describe('accessibility', () => {
  it('has no serious violations on the audit, tokens and diagnostics pages and their dialogs', async () => {
    const found: string[] = [];
    for (const colorScheme of ['light', 'dark'] as const) {
      const ctx = await browser.newContext({ bypassCSP: true, colorScheme });
      try {
        const p = await ctx.newPage();
        await signInAsAlice(p);

        await p.goto(`${baseUrl}/admin/audit?action=policy.update`);
        const table = p.getByRole('table', { name: 'Audit events' });
        await visible(p, table.getByRole('row').nth(1), 'an audit event');
        found.push(...(await axeViolations(p, `/admin/audit (${colorScheme})`)));
        await table.getByRole('row').nth(1).getByRole('button', { name: /^Details/ }).click();
        await visible(p, p.getByRole('dialog', { name: 'Event policy.update' }).getByRole('group', { name: 'Diff' }), 'the diff');
        found.push(...(await axeViolations(p, `the audit event dialog (${colorScheme})`)));
        await p.keyboard.press('Escape');

        await p.goto(`${baseUrl}/admin/settings/tokens?all=true`);
        await visible(p, p.getByRole('table', { name: 'API tokens' }), 'the tokens');
        found.push(...(await axeViolations(p, `/admin/settings/tokens (${colorScheme})`)));
        await p.getByRole('button', { name: 'Create token' }).click();
        await visible(p, p.getByRole('dialog', { name: 'Create API token' }), 'the create dialog');
        found.push(...(await axeViolations(p, `the create token dialog (${colorScheme})`)));
        await p.keyboard.press('Escape');

        await p.goto(`${baseUrl}/admin/settings/diagnostics`);
        await visible(p, p.getByRole('list', { name: 'Checks' }), 'the checks', 30_000);
        found.push(...(await axeViolations(p, `/admin/settings/diagnostics (${colorScheme})`)));
      } finally {
        await ctx.close();
      }
    }
    expect(found).toEqual([]);
  });
});
