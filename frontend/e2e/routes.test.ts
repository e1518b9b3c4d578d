// Browser test of approving a subnet route that a real Tailscale client
// advertises. The test starts tailscaled in userspace networking against the
// e2e stack's Headscale, with a pre-auth key it creates through Headway's API,
// and stops it at the end.
//
//   HEADWAY_URL, HEADSCALE_VERSION, HEADWAY_E2E_API_KEY   as for the other browser tests
//   HEADSCALE_URL                                         Headscale's address
//   HEADWAY_TAILSCALED_BIN, HEADWAY_TAILSCALE_BIN         the Tailscale client (make tailscale)
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  anonymousMe,
  baseUrl,
  e2eApiKey,
  expectStatusPage,
  headwayJson,
  launchBrowser,
  required,
  signInWithApiKey,
  strictPage,
  visible,
  waitForPath,
} from './support';

const run = promisify(execFile);
const userName = 'e2e-router-owner';
const hostname = 'e2e-router';
const route = '10.42.0.0/24';

type Machine = { id: string; givenName: string; availableRoutes: string[]; approvedRoutes: string[] };

let browser: Browser;
let page: Page;
let problems: string[];
let closeContext: () => Promise<void>;
let tailscaled: ChildProcess | undefined;
let stateDir: string;

async function router(): Promise<Machine | undefined> {
  const { machines } = await headwayJson<{ machines: Machine[] }>('GET', `/machines?q=${hostname}`);
  return machines.find((m) => m.givenName === hostname);
}

/** startClient runs tailscaled and joins it to Headscale, advertising the route. */
async function startClient() {
  const headscaleUrl = required('HEADSCALE_URL', 'http://127.0.0.1:8080').replace(/\/+$/, '');
  const daemon = required('HEADWAY_TAILSCALED_BIN', '.cache/bin/tailscaled-v1.101.0-pre');
  const cli = required('HEADWAY_TAILSCALE_BIN', '.cache/bin/tailscale-v1.101.0-pre');
  const { users } = await headwayJson<{ users: { id: string; name: string }[] }>('GET', '/users');
  const user = users.find((u) => u.name === userName) ?? (await headwayJson<{ id: string }>('POST', '/users', { name: userName }));
  const key = await headwayJson<{ key: string }>('POST', '/preauthkeys', {
    user: user.id,
    expiration: new Date(Date.now() + 3_600_000).toISOString(),
  });

  stateDir = mkdtempSync(join(tmpdir(), 'e2e-ts-'));
  const socket = join(stateDir, 'ts.sock');
  tailscaled = spawn(
    daemon,
    ['--tun=userspace-networking', '--state=mem:', `--statedir=${stateDir}`, `--socket=${socket}`, '--port=0', '--no-logs-no-support'],
    {
      stdio: 'ignore',
      env: {
        ...process.env,
        TS_NO_LOGS_NO_SUPPORT: '1',
        TS_DISABLE_PORTMAPPER: '1',
        TS_ASSUME_NETWORK_UP_FOR_TEST: '1',
        TS_LOGS_DIR: stateDir,
        // Without these two the client advertises non-loopback addresses.
        TS_DEBUG_OMIT_LOCAL_ADDRS: '1',
        TS_DEBUG_NEVER_DIRECT_UDP: '1',
        TS_NETCHECK_GENERATE_204_URL: `${headscaleUrl}/generate_204`,
      },
    },
  );
  // `tailscale up` returns once the client is fully up; the node shows in Headscale before that.
  void run(cli, [
    `--socket=${socket}`, 'up', `--login-server=${headscaleUrl}`, `--authkey=${key.key}`,
    `--hostname=${hostname}`, `--advertise-routes=${route}`, '--accept-dns=false', '--timeout=60s',
  ]).catch(() => undefined);

  const deadline = Date.now() + 45_000;
  while (Date.now() < deadline) {
    const m = await router().catch(() => undefined);
    if (m?.availableRoutes.includes(route)) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`Headway did not list ${hostname} advertising ${route} within 45 s`);
}

beforeAll(async () => {
  await startClient();
  browser = await launchBrowser();
  const strict = await strictPage(browser, { expectedStatus: [anonymousMe] });
  page = strict.page;
  problems = strict.problems;
  closeContext = () => strict.context.close();
}, 90_000);

afterAll(async () => {
  await closeContext();
  await browser.close();
  tailscaled?.kill('SIGTERM');
  const m = await router().catch(() => undefined);
  if (m) await headwayJson('DELETE', `/machines/${m.id}`).catch(() => undefined);
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

describe('subnet routes', () => {
  it('approves a route a real client advertises', async () => {
    await page.goto(`${baseUrl}/admin/`);
    await waitForPath(page, '/admin/login');
    await signInWithApiKey(page, e2eApiKey());
    await waitForPath(page, '/admin/');
    await expectStatusPage(page);

    const machine = await router();
    expect(machine?.approvedRoutes).not.toContain(route);
    await page.goto(`${baseUrl}/admin/machines/${machine?.id}`);
    await visible(page, page.getByRole('heading', { level: 1, name: hostname }), 'the machine page');

    await page.getByRole('button', { name: 'Approve routes' }).click();
    const dialog = page.getByRole('dialog', { name: `Approve routes of ${hostname}` });
    await visible(page, dialog, 'the routes dialog');
    await dialog.getByRole('checkbox', { name: route }).check();
    await dialog.getByRole('button', { name: 'Save routes' }).click();
    await dialog.waitFor({ state: 'hidden' });

    const approved = await router();
    expect(approved?.approvedRoutes).toContain(route);
    expect(problems).toEqual([]);
  });
});
