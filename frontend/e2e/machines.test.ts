// Browser tests of the machines pages against a running Headway whose
// Headscale starts empty (deploy/local/e2e.sh). The test makes what it needs
// first: a Headscale user through Headway's API, and a machine through
// Headscale's own API (a registration Headscale's debug endpoint queues,
// then approved for that user), and removes them at the end.
//
//   HEADWAY_URL, HEADSCALE_VERSION, HEADWAY_E2E_API_KEY   as for the other browser tests
//   HEADSCALE_URL            Headscale's address
//   HEADSCALE_API_KEY_FILE   a file holding an API key Headscale accepts
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  anonymousMe,
  axeViolations,
  baseUrl,
  e2eApiKey,
  expectStatusPage,
  header,
  headway,
  headwayJson,
  launchBrowser,
  required,
  signInWithApiKey,
  strictPage,
  visible,
  waitForPath,
} from './support';

const userName = 'e2e-user';
const machineName = 'e2e-laptop';
const renamed = 'e2e-renamed';

type HeadscaleUser = { id: string; name: string };
type Machine = { id: string; givenName: string };

let browser: Browser;
let page: Page;
let problems: string[];
let closeContext: () => Promise<void>;

/** headscale calls Headscale's API with the key in HEADSCALE_API_KEY_FILE. */
async function headscale(path: string, body: unknown): Promise<void> {
  const url = required('HEADSCALE_URL', 'http://127.0.0.1:8080').replace(/\/+$/, '');
  const key = readFileSync(required('HEADSCALE_API_KEY_FILE', '/tmp/headscale-api-key'), 'utf8').trim();
  const response = await fetch(`${url}/api/v1${path}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`Headscale POST ${path}: ${response.status} ${await response.text()}`);
}

async function findUser(): Promise<HeadscaleUser | undefined> {
  const { users } = await headwayJson<{ users: HeadscaleUser[] }>('GET', '/users');
  return users.find((u) => u.name === userName);
}

async function findMachines(): Promise<Machine[]> {
  const { machines } = await headwayJson<{ machines: Machine[] }>('GET', `/machines?q=e2e-&pageSize=100`);
  return machines.filter((m) => m.givenName === machineName || m.givenName === renamed);
}

/** createMachine queues a registration in Headscale, registers it for the user, and waits for Headway to list it. */
async function createMachine() {
  const authId = `hskey-authreq-${randomBytes(18).toString('base64url')}`;
  await headscale('/debug/node', { user: userName, key: authId, name: machineName });
  await headscale('/auth/register', { user: userName, authId });
  // Headway reads Headscale every few seconds.
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if ((await findMachines()).length > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`Headway did not list ${machineName} within 15 s of registering it`);
}

async function cleanUp() {
  for (const m of await findMachines()) await headway('DELETE', `/machines/${m.id}`);
  const user = await findUser();
  if (user) await headway('DELETE', `/users/${user.id}`);
}

beforeAll(async () => {
  browser = await launchBrowser();
  await cleanUp();
  const created = await headway('POST', '/users', { name: userName });
  if (!created.ok) throw new Error(`creating ${userName}: ${created.status} ${await created.text()}`);
  await createMachine();

  const strict = await strictPage(browser, { expectedStatus: [anonymousMe] });
  page = strict.page;
  problems = strict.problems;
  closeContext = () => strict.context.close();
});

afterAll(async () => {
  await closeContext();
  await browser.close();
  await cleanUp();
});

/** signIn signs in with the API key (full access) on a fresh page. */
async function signIn(p: Page) {
  await p.goto(`${baseUrl}/admin/`);
  await waitForPath(p, '/admin/login');
  await signInWithApiKey(p, e2eApiKey());
  await waitForPath(p, '/admin/');
  await expectStatusPage(p);
}

function machineLink(p: Page, name: string) {
  return p.getByRole('table', { name: 'Machines' }).getByRole('link', { name, exact: true });
}

describe('machines', () => {
  it('lists the machine and finds it by search and by the offline filter', async () => {
    await signIn(page);
    await header(page).getByRole('link', { name: 'Machines', exact: true }).click();
    await waitForPath(page, '/admin/machines');
    await visible(page, page.getByRole('heading', { level: 1, name: 'Machines' }), 'the Machines heading');
    await visible(page, machineLink(page, machineName), `${machineName} in the list`);
    await visible(page, page.getByText(/^Updated \d+ (s|min) ago$/), '"Updated … ago"');
    const row = page
      .getByRole('table', { name: 'Machines' })
      .getByRole('row')
      .filter({ has: page.getByRole('link', { name: machineName, exact: true }) });
    await visible(page, row.getByText('Offline', { exact: true }), `${machineName} as "Offline"`);
    await visible(page, row.getByText(userName, { exact: true }), `${machineName}'s user`);

    await page.getByRole('searchbox', { name: 'Search' }).fill('no-such-machine');
    await visible(page, page.getByText('No machine matches these filters.'), 'the no-match state');
    expect(new URL(page.url()).searchParams.get('q')).toBe('no-such-machine');
    await page.getByRole('searchbox', { name: 'Search' }).fill('e2e-lap');
    await visible(page, machineLink(page, machineName), `${machineName} found by search`);
    await page.waitForURL((url) => url.searchParams.get('q') === 'e2e-lap');

    await page.getByRole('combobox', { name: 'Status' }).selectOption({ label: 'Online' });
    await visible(page, page.getByText('No machine matches these filters.'), 'no online machine');
    await page.getByRole('combobox', { name: 'Status' }).selectOption({ label: 'Offline' });
    await visible(page, machineLink(page, machineName), `${machineName} among offline machines`);
    const params = new URL(page.url()).searchParams;
    expect(params.get('status')).toBe('offline');
    expect(params.get('q')).toBe('e2e-lap');
    await page.waitForLoadState('networkidle');
    expect(problems).toEqual([]);
  });

  it('renames the machine through its dialog', async () => {
    await machineLink(page, machineName).click();
    await visible(page, page.getByRole('heading', { level: 1, name: machineName }), `${machineName}'s page`);
    await page.getByRole('button', { name: 'Rename', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: `Rename ${machineName}` });
    await visible(page, dialog, 'the rename dialog');
    const field = dialog.getByRole('textbox', { name: 'Machine name' });
    await field.fill('not_a_label');
    await visible(page, dialog.getByText('That is not a valid machine name.'), 'the DNS-label rule');
    await field.fill(renamed);
    await dialog.getByRole('button', { name: 'Rename', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    await visible(page, page.getByRole('heading', { level: 1, name: renamed }), 'the new name');
    await page.waitForLoadState('networkidle');
    expect(problems).toEqual([]);
  });

  it('has no serious accessibility violations on the list, the machine and its dialogs', async () => {
    const context = await browser.newContext({ bypassCSP: true });
    try {
      const p = await context.newPage();
      await signIn(p);
      const found: string[] = [];
      await p.goto(`${baseUrl}/admin/machines`);
      await visible(p, machineLink(p, renamed), `${renamed} in the list`);
      found.push(...(await axeViolations(p, '/admin/machines')));
      await p.getByRole('button', { name: 'Register a machine' }).click();
      await visible(p, p.getByRole('dialog', { name: 'Register a machine' }), 'the register dialog');
      found.push(...(await axeViolations(p, 'the register dialog')));
      await p.keyboard.press('Escape');

      await machineLink(p, renamed).click();
      await visible(p, p.getByRole('heading', { level: 1, name: renamed }), `${renamed}'s page`);
      found.push(...(await axeViolations(p, '/admin/machines/:id')));
      await p.getByRole('button', { name: 'Delete', exact: true }).click();
      await visible(p, p.getByRole('dialog', { name: `Delete ${renamed}?` }), 'the delete dialog');
      found.push(...(await axeViolations(p, 'the delete dialog')));
      await p.keyboard.press('Escape');

      await p.goto(`${baseUrl}/admin/headscale-users`);
      await visible(p, p.getByRole('row').filter({ hasText: userName }), `${userName} among Headscale users`);
      found.push(...(await axeViolations(p, '/admin/headscale-users')));
      expect(found).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('deletes the machine once its name is typed, and shows the empty list', async () => {
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: `Delete ${renamed}?` });
    await visible(page, dialog, 'the delete dialog');
    const submit = dialog.getByRole('button', { name: 'Delete machine' });
    expect(await submit.isDisabled()).toBe(true);
    await dialog.getByLabel(`Type ${renamed} to confirm`).fill(renamed);
    await submit.click();
    await waitForPath(page, '/admin/machines');
    await visible(page, page.getByText(/No machines yet:/), 'the "No machines yet" state');
    await visible(page, page.getByText(/^tailscale up --login-server https?:\/\//), 'the connect command');
    await page.waitForLoadState('networkidle');
    expect(problems).toEqual([]);
  });
});
