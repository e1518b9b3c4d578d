// Browser tests of roles and onboarding, against a running Headway started
// with the development identity provider (deploy/local/e2e.sh does), whose
// users are alice, bob and carol. The first person ever to sign in becomes
// the owner; everyone else starts as a member (the e2e stack maps no groups).
//
// This file runs first (vitest.e2e.config.ts runs files one at a time, in
// name order), so Alice's sign-in here is the first: she becomes the owner
// and sees onboarding. The checks also hold when she signed in before (then
// without onboarding), as long as she holds configure_iam.
//
//   HEADWAY_URL, HEADSCALE_VERSION   as for the other browser tests
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  anonymousMe,
  axeViolations,
  baseUrl,
  expectStatusPage,
  header,
  launchBrowser,
  onboardingHeading,
  openSettings,
  signInWithSso,
  skipOnboarding,
  strictPage,
  visible,
  waitForPath,
} from './support';

type Me = { kind: string; capabilities: string[]; needsOnboarding: boolean; user?: { role: string } };
type Onboarding = { step: string; loginServer: string };

let browser: Browser;
const open: BrowserContext[] = [];
let alice: Page;
let aliceProblems: string[];
let bob: Page;
let bobProblems: string[];

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  for (const context of open) await context.close();
  await browser.close();
});

async function newPage(options: { bypassCSP?: boolean } = {}) {
  if (options.bypassCSP) {
    const context = await browser.newContext({ bypassCSP: true });
    open.push(context);
    return { page: await context.newPage(), problems: [] as string[] };
  }
  const { context, page, problems } = await strictPage(browser, { expectedStatus: [anonymousMe], allowAborted: true });
  open.push(context);
  return { page, problems };
}

const isApi = (path: string) => (r: Response) =>
  new URL(r.url()).pathname === `/admin/api/v1${path}` && r.request().method() === 'GET' && r.ok();

/**
 * signIn signs in as who through single sign-on from the status page and
 * returns what GET /me said once back on Headway.
 */
async function signIn(page: Page, who: string): Promise<Me> {
  await page.goto(`${baseUrl}/admin/`);
  await waitForPath(page, '/admin/login');
  const me = page.waitForResponse(isApi('/me'), { timeout: 30_000 });
  await signInWithSso(page, who);
  return (await (await me).json()) as Me;
}

/** expectConnectStep checks the connect step shows the command for the server's login URL. */
async function expectConnectStep(page: Page, onboarding: Promise<Response>) {
  const { loginServer } = (await (await onboarding).json()) as Onboarding;
  expect(loginServer).toMatch(/^https?:\/\//);
  await visible(page, onboardingHeading(page), 'onboarding');
  const none = page.getByRole('button', { name: 'None of these' });
  if (await none.isVisible()) await none.click();
  await visible(page, page.getByRole('heading', { level: 1, name: 'Connect your first device' }), 'the connect step');
  const panel = page.getByRole('tabpanel');
  await visible(
    page,
    panel.getByText(`tailscale up --login-server ${loginServer}`, { exact: true }),
    `the command "tailscale up --login-server ${loginServer}"`,
  );
  await visible(page, page.getByText('Waiting for your first device…'), 'the waiting notice');
}

describe('roles and onboarding', () => {
  it('the owner goes through onboarding, skips it, and finds Settings in the menu', async () => {
    ({ page: alice, problems: aliceProblems } = await newPage());
    const onboarding = alice.waitForResponse(isApi('/onboarding'), { timeout: 30_000 });
    // Only awaited when Alice is onboarded here; otherwise it times out unheard.
    onboarding.catch(() => undefined);
    const me = await signIn(alice, 'Alice');
    if (!me.capabilities.includes('configure_iam')) {
      throw new Error(
        `Alice must be able to configure roles (she should be the first to sign in, so the owner); she is ${me.user?.role ?? 'unknown'}`,
      );
    }

    if (me.needsOnboarding) {
      await waitForPath(alice, '/admin/onboarding');
      expect(new URL(alice.url()).searchParams.get('return_to')).toBe('/admin/');
      await expectConnectStep(alice, onboarding);
      await alice.getByRole('button', { name: 'Skip for now' }).click();
    }

    await waitForPath(alice, '/admin/');
    await expectStatusPage(alice);
    await visible(alice, header(alice).getByRole('link', { name: 'Settings', exact: true }), 'the Settings link in the header');
    await visible(alice, header(alice).getByText('Owner', { exact: true }), 'the role "Owner" in the header');
    await alice.waitForLoadState('networkidle');
    expect(aliceProblems).toEqual([]);
  });

  it('a member is onboarded, then told who can grant access', async () => {
    ({ page: bob, problems: bobProblems } = await newPage());
    const me = await signIn(bob, 'Bob');
    expect(me.user?.role).toBe('member');
    expect(me.capabilities).not.toContain('ui_access');

    if (me.needsOnboarding) {
      await waitForPath(bob, '/admin/onboarding');
      await skipOnboarding(bob);
    }

    await visible(bob, bob.getByRole('heading', { level: 1, name: 'No access yet' }), 'the "No access yet" page');
    const grantors = bob.getByRole('region', { name: 'Who can grant access' });
    await visible(bob, grantors.getByText('Alice Anderson'), 'Alice Anderson among those who can grant access');
    await visible(bob, bob.getByRole('button', { name: 'Sign out' }), 'the Sign out button');
    await expect(bob.getByRole('navigation', { name: 'Main' }).count()).resolves.toBe(0);
    await bob.waitForLoadState('networkidle');
    expect(bobProblems).toEqual([]);
  });

  it('the owner makes the member a viewer, who then sees the console without Users actions', async () => {
    await openSettings(alice, 'Users');
    await visible(alice, alice.getByRole('heading', { level: 1, name: 'Users and roles' }), 'the Users heading');
    const row = alice.getByRole('row').filter({ hasText: 'Bob Brown' });
    await visible(alice, row, 'Bob Brown in the users table');
    await row.getByRole('button', { name: 'Change role of Bob Brown' }).click();

    const dialog = alice.getByRole('dialog', { name: 'Change the role of Bob Brown' });
    await visible(alice, dialog, 'the change-role dialog');
    await dialog.getByLabel('Role').selectOption({ label: 'Viewer' });
    await dialog.getByRole('button', { name: 'Change role' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await visible(alice, row.getByText('Viewer', { exact: true }), 'Bob Brown as Viewer');
    await visible(alice, row.getByText('Pinned', { exact: true }), 'the "Pinned" mark');
    await alice.waitForLoadState('networkidle');
    expect(aliceProblems).toEqual([]);

    await bob.reload();
    await waitForPath(bob, '/admin/');
    await expectStatusPage(bob);
    await visible(bob, header(bob).getByText('Viewer', { exact: true }), 'the role "Viewer" in the header');
    await openSettings(bob, 'Users');
    const bobsRow = bob.getByRole('row').filter({ hasText: 'Alice Anderson' });
    await visible(bob, bobsRow, 'Alice Anderson in the users table');
    await expect(bob.getByRole('table').getByRole('button').count()).resolves.toBe(0);
    await bob.waitForLoadState('networkidle');
    expect(bobProblems).toEqual([]);
  });

  it('has no serious accessibility violations on onboarding, the users page and "No access yet"', async () => {
    const found: string[] = [];

    // Carol signs in for the first time: onboarding, then "No access yet".
    const { page: carol } = await newPage({ bypassCSP: true });
    const carolMe = await signIn(carol, 'Carol');
    if (carolMe.needsOnboarding) {
      await visible(carol, onboardingHeading(carol), 'onboarding');
      await visible(carol, carol.getByText('Waiting for your first device…'), 'the waiting notice');
      found.push(...(await axeViolations(carol, '/admin/onboarding')));
      await skipOnboarding(carol);
    }
    await visible(carol, carol.getByRole('heading', { level: 1, name: 'No access yet' }), '"No access yet"');
    await visible(carol, carol.getByText('Alice Anderson'), 'who can grant access');
    found.push(...(await axeViolations(carol, 'No access yet')));

    const { page: owner } = await newPage({ bypassCSP: true });
    await signIn(owner, 'Alice');
    await owner.goto(`${baseUrl}/admin/settings/users`);
    await visible(owner, owner.getByRole('row').filter({ hasText: 'Carol Clark' }), 'Carol Clark in the users table');
    found.push(...(await axeViolations(owner, '/admin/settings/users')));
    await owner
      .getByRole('row')
      .filter({ hasText: 'Carol Clark' })
      .getByRole('button', { name: 'Delete Carol Clark' })
      .click();
    await visible(owner, owner.getByRole('dialog', { name: 'Delete Carol Clark?' }), 'the delete dialog');
    found.push(...(await axeViolations(owner, 'the delete dialog')));

    expect(found).toEqual([]);
  });
});
