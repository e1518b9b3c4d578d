// Browser tests of the keys and access-control pages against a running
// Headway (deploy/local/e2e.sh): a pre-auth key created for a Headscale user
// made through the API, shown once, copied, then listed masked; the policy
// edited in the code editor, reviewed and saved; and a save refused because
// the policy changed behind the page's back. The policy found at the start is
// put back at the end.
//
//   HEADWAY_URL, HEADSCALE_VERSION, HEADWAY_E2E_API_KEY   as for the other browser tests
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  anonymousMe,
  axeViolations,
  baseOrigin,
  baseUrl,
  e2eApiKey,
  expectStatusPage,
  header,
  headway,
  headwayJson,
  launchBrowser,
  type Policy,
  restorePolicy,
  signInWithApiKey,
  strictPage,
  visible,
  waitForPath,
} from './support';

const userName = 'e2e-keys';

type HeadscaleUser = { id: string; name: string };

let browser: Browser;
let context: BrowserContext;
let page: Page;
let problems: string[];
let originalPolicy: Policy | undefined;

async function findUser(): Promise<HeadscaleUser | undefined> {
  const { users } = await headwayJson<{ users: HeadscaleUser[] }>('GET', '/users');
  return users.find((u) => u.name === userName);
}

async function cleanUp() {
  const user = await findUser();
  if (!user) return;
  // Expire what the test made; Headscale keeps expired keys, which block nothing.
  const { preAuthKeys } = await headwayJson<{ preAuthKeys: { id: string; expired: boolean }[] }>(
    'GET',
    `/preauthkeys?user=${user.id}`,
  );
  for (const k of preAuthKeys) if (!k.expired) await headway('POST', `/preauthkeys/${k.id}/expire`);
  await headway('DELETE', `/users/${user.id}`);
}

beforeAll(async () => {
  browser = await launchBrowser();
  await cleanUp();
  const created = await headway('POST', '/users', { name: userName });
  if (!created.ok) throw new Error(`creating ${userName}: ${created.status} ${await created.text()}`);
  originalPolicy = await headwayJson<Policy>('GET', '/policy');

  const strict = await strictPage(browser, { expectedStatus: [anonymousMe] });
  context = strict.context;
  page = strict.page;
  problems = strict.problems;
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseOrigin });
});

afterAll(async () => {
  await context.close();
  await browser.close();
  await restorePolicy(originalPolicy);
  await cleanUp();
});

async function signIn(p: Page) {
  await p.goto(`${baseUrl}/admin/`);
  await waitForPath(p, '/admin/login');
  await signInWithApiKey(p, e2eApiKey());
  await waitForPath(p, '/admin/');
  await expectStatusPage(p);
}

/** editorText reads the policy editor's text, line by line (locators enter its shadow root). */
async function editorText(p: Page): Promise<string> {
  return (await p.getByRole('textbox', { name: 'Policy' }).locator('.cm-line').allTextContents()).join('\n');
}

/** editorShows waits until the policy editor's text includes part. */
async function editorShows(p: Page, part: string) {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if ((await editorText(p)).includes(part)) return;
    await p.waitForTimeout(100);
  }
  throw new Error(`the policy editor does not show ${part}; it shows:\n${await editorText(p)}`);
}

/** typePolicy replaces the editor's text by typing, as someone would. */
async function typePolicy(p: Page, text: string) {
  const editor = p.getByRole('textbox', { name: 'Policy' });
  await editor.click();
  await p.keyboard.press('ControlOrMeta+A');
  await p.keyboard.press('Delete');
  await p.keyboard.type(text);
}

/** A policy that lets everyone reach everything, with a mark to find it by. */
const policyWith = (mark: string) => `{"acls": [{"action": "accept", "src": ["*"], "dst": ["*:*"]}], "groups": {"group:${mark}": []}}`;

describe('keys', () => {
  it('creates a pre-auth key, shows it once and copies it, then lists it masked', async () => {
    await signIn(page);
    await header(page).getByRole('link', { name: 'Keys', exact: true }).click();
    await waitForPath(page, '/admin/keys');
    await visible(page, page.getByRole('heading', { level: 1, name: 'Keys' }), 'the Keys heading');
    await visible(page, page.getByRole('heading', { level: 2, name: 'API keys' }), 'the API keys section');

    await page.getByRole('button', { name: 'Create pre-auth key' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create pre-auth key' });
    await visible(page, dialog, 'the create dialog');
    await dialog.getByRole('combobox', { name: 'User' }).selectOption({ label: userName });
    await dialog.getByRole('combobox', { name: 'Expires in' }).selectOption({ label: '1 day' });
    await dialog.getByRole('button', { name: 'Create key' }).click();

    const panel = page.getByRole('region', { name: `New pre-auth key for ${userName}` });
    await visible(page, panel, 'the new key');
    const key = ((await panel.locator('code').first().textContent()) ?? '').trim();
    expect(key.length).toBeGreaterThan(20);
    await visible(
      page,
      panel.getByText(new RegExp(`^tailscale up --login-server https?://\\S+ --authkey ${key}$`)),
      'the connect command',
    );
    await panel.getByRole('button', { name: 'Copy pre-auth key' }).click();
    await visible(page, panel.getByText('Copied', { exact: true }), '"Copied"');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);

    const row = page.getByRole('table', { name: 'Pre-auth keys' }).getByRole('row').filter({ hasText: userName });
    await visible(page, row, 'the key in the list');
    expect(await row.count()).toBe(1);
    expect(await row.textContent()).not.toContain(key);
    await panel.getByRole('button', { name: 'Done' }).click();
    await panel.waitFor({ state: 'detached' });
    expect(await page.locator('body').textContent()).not.toContain(key);
    await page.reload();
    await visible(page, page.getByRole('table', { name: 'Pre-auth keys' }).getByRole('row').filter({ hasText: userName }), 'the key after a reload');
    expect(await page.locator('body').textContent()).not.toContain(key);
    await page.waitForLoadState('networkidle');
    expect(problems).toEqual([]);
  });
});

describe('access controls', () => {
  it('edits the policy in the editor, reviews the diff, saves, and finds it after a reload', async () => {
    await header(page).getByRole('link', { name: 'Access controls', exact: true }).click();
    await waitForPath(page, '/admin/policy');
    await visible(page, page.getByRole('textbox', { name: 'Policy' }), 'the policy editor');
    const text = policyWith('e2e-saved');
    await typePolicy(page, text);
    expect(await editorText(page)).toBe(text);

    await page.getByRole('button', { name: 'Check' }).click();
    await visible(page, page.getByText(/Valid: Headscale accepts this policy/), 'Headscale accepting the policy');

    await page.getByRole('button', { name: 'Review changes' }).click();
    const review = page.getByRole('region', { name: 'Review changes' });
    await visible(page, review, 'the review');
    await visible(page, review.getByRole('group', { name: 'Changes' }).getByText(/group:e2e-saved/), 'the new line in the diff');
    await review.getByRole('button', { name: 'Save' }).click();
    await visible(page, page.getByText('Saved: Headscale applies the new policy at once.'), 'the saved notice');

    await page.reload();
    await visible(page, page.getByRole('textbox', { name: 'Policy' }), 'the policy editor after a reload');
    await editorShows(page, 'group:e2e-saved');
    expect(await editorText(page)).toBe(text);
    expect((await headwayJson<Policy>('GET', '/policy')).policy).toBe(text);
    await page.waitForLoadState('networkidle');
    expect(problems).toEqual([]);
  });

  it('refuses to overwrite a change made behind the page’s back, keeping the text', async () => {
    await page.reload();
    await visible(page, page.getByRole('textbox', { name: 'Policy' }), 'the policy editor');
    await editorShows(page, 'group:');
    const mine = policyWith('e2e-mine');
    await typePolicy(page, mine);

    const current = await headwayJson<Policy>('GET', '/policy');
    const theirs = policyWith('e2e-theirs');
    await headwayJson('PUT', '/policy', { policy: theirs, baseVersion: current.version });

    await page.getByRole('button', { name: 'Review changes' }).click();
    await page.getByRole('region', { name: 'Review changes' }).getByRole('button', { name: 'Save' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'Someone changed the policy since you loaded it' });
    await visible(page, alert, 'the conflict message');
    expect(await editorText(page)).toBe(mine);
    expect((await headwayJson<Policy>('GET', '/policy')).policy).toBe(theirs);

    await alert.getByRole('button', { name: 'Load the latest (your text is kept below)' }).click();
    await visible(page, page.getByRole('region', { name: 'Your unsaved text' }), 'the kept text');
    await editorShows(page, 'e2e-theirs');
    expect(await editorText(page)).toBe(theirs);
    // A 409 is an answer the page expects; Chromium logs it all the same.
    expect(problems.filter((p) => !/status of 409/.test(p))).toEqual([]);
  });

  it('has no serious accessibility violations on the keys and policy pages', async () => {
    const ctx = await browser.newContext({ bypassCSP: true });
    try {
      const p = await ctx.newPage();
      await signIn(p);
      const found: string[] = [];
      await p.goto(`${baseUrl}/admin/keys`);
      await visible(p, p.getByRole('table', { name: 'Pre-auth keys' }), 'the pre-auth keys');
      await visible(p, p.getByRole('table', { name: 'API keys' }), 'the API keys');
      found.push(...(await axeViolations(p, '/admin/keys')));
      await p.getByRole('button', { name: 'Create pre-auth key' }).click();
      await visible(p, p.getByRole('dialog', { name: 'Create pre-auth key' }), 'the create dialog');
      found.push(...(await axeViolations(p, 'the create pre-auth key dialog')));
      await p.keyboard.press('Escape');
      await p.getByRole('button', { name: 'Create API key' }).click();
      await visible(p, p.getByRole('dialog', { name: 'Create API key' }), 'the create API key dialog');
      found.push(...(await axeViolations(p, 'the create API key dialog')));
      await p.keyboard.press('Escape');

      await p.goto(`${baseUrl}/admin/policy`);
      await visible(p, p.getByRole('textbox', { name: 'Policy' }), 'the policy editor');
      await editorShows(p, 'group:');
      await typePolicy(p, policyWith('e2e-axe'));
      await p.getByRole('button', { name: 'Check' }).click();
      await visible(p, p.getByText(/Valid: Headscale accepts this policy/), 'the verdict');
      await p.getByRole('button', { name: 'Review changes' }).click();
      await visible(p, p.getByRole('region', { name: 'Review changes' }), 'the review');
      found.push(...(await axeViolations(p, '/admin/policy (reviewing)')));

      await p.goto(`${baseUrl}/admin/dns`);
      await visible(p, p.getByRole('heading', { level: 1, name: 'DNS' }), 'the DNS page');
      await p.waitForLoadState('networkidle');
      found.push(...(await axeViolations(p, '/admin/dns')));
      expect(found).toEqual([]);
    } finally {
      await ctx.close();
    }
  });
});
