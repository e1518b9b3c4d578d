import { screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { components } from '@/api/schema';
import { routes } from '@/app/router';
import { apiError, bob, headscaleUser, info, oidcMe, oidcMeAs, stubApi, type Me } from '@/testing/api';
import { jsonResponse, renderRoutes } from '@/testing/render';

vi.mock('@/lib/navigate-away', () => ({ navigateAway: vi.fn() }));

type PreAuthKey = components['schemas']['PreAuthKey'];
type APIKey = components['schemas']['APIKey'];

function preAuthKey(id: string, extra: Partial<PreAuthKey> = {}): PreAuthKey {
  return {
    id,
    key: `hskey-auth-${id}xxxx-***`,
    user: { id: 'hs1', name: 'alice' },
    tagOnly: false,
    aclTags: [],
    reusable: false,
    ephemeral: false,
    used: false,
    expired: false,
    expiration: '2099-01-01T00:00:00Z',
    createdAt: '2025-01-01T00:00:00Z',
    ...extra,
  };
}

const apiKeys: APIKey[] = [
  { id: '1', prefix: 'hskey-api-ownkey000000', expired: false, usedByHeadway: true, createdAt: '2025-01-01T00:00:00Z' },
  { id: '2', prefix: 'hskey-api-scriptkey000', expired: false, usedByHeadway: false, createdAt: '2025-01-02T00:00:00Z' },
];

function signedInAs(me: Me, extra: Parameters<typeof stubApi>[0] = {}) {
  return stubApi({
    'GET /me': () => jsonResponse(me),
    'GET /info': () => jsonResponse(info()),
    'GET /users': () => jsonResponse({ users: [headscaleUser('hs1', 'alice'), headscaleUser('hs2', 'bob')] }),
    'GET /preauthkeys': () => jsonResponse({ preAuthKeys: [preAuthKey('1'), preAuthKey('2', { tagOnly: true, user: undefined, aclTags: ['tag:ci'], expired: true })] }),
    'GET /apikeys': () => jsonResponse({ apiKeys }),
    ...extra,
  });
}

async function keysPage() {
  const view = renderRoutes(routes, '/keys');
  await screen.findByRole('heading', { level: 1, name: 'Keys' });
  return view;
}

/** A viewer (own keys only) linked to the Headscale user hs2. */
const linkedViewer = oidcMeAs('viewer', { user: { ...bob, role: 'viewer', headscaleUserId: 'hs2' } });

describe('keys page', () => {
  it('lists pre-auth keys with their state in words', async () => {
    signedInAs(oidcMe);
    await keysPage();
    const table = await screen.findByRole('table', { name: 'Pre-auth keys' });
    const rows = within(table).getAllByRole('row');
    expect(rows[1]).toHaveTextContent('alice');
    expect(rows[1]).toHaveTextContent('Active');
    expect(rows[2]).toHaveTextContent('Tag-only');
    expect(rows[2]).toHaveTextContent('tag:ci');
    expect(rows[2]).toHaveTextContent('Expired');
    expect(screen.getByRole('link', { name: 'Keys' })).toHaveAttribute('aria-current', 'page');
  });

  it('sends the filters to the server', async () => {
    const { requests } = signedInAs(oidcMe);
    await keysPage();
    await screen.findByRole('table', { name: 'Pre-auth keys' });
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'State' }), 'expired');
    await userEvent.click(screen.getByRole('checkbox', { name: 'Reusable' }));
    await waitFor(() => {
      const last = requests.filter((r) => new URL(r.url).pathname.endsWith('/preauthkeys')).at(-1);
      const params = new URL(last?.url ?? 'http://x').searchParams;
      expect(params.get('state')).toBe('expired');
      expect(params.get('reusable')).toBe('true');
    });
  });

  it('shows a new key once, with its copy button and the connect command', async () => {
    const writeText = vi.fn(() => Promise.resolve());
    vi.stubGlobal('navigator', Object.assign(Object.create(navigator) as Navigator, { clipboard: { writeText } }));
    const { requests } = signedInAs(oidcMe, {
      'POST /preauthkeys': () =>
        jsonResponse(preAuthKey('3', { key: 'hskey-auth-FULLSECRET', user: { id: 'hs2', name: 'bob' }, reusable: true }), {
          status: 201,
        }),
    });
    await keysPage();
    await userEvent.click(screen.getByRole('button', { name: 'Create pre-auth key' }));
    const dialog = await screen.findByRole('dialog', { name: 'Create pre-auth key' });
    const user = within(dialog).getByRole('combobox', { name: 'User' });
    expect(within(user).getAllByRole('option').map((o) => o.textContent)).toEqual([
      'alice',
      'bob',
      'Tag-only (no user)',
    ]);
    await userEvent.selectOptions(user, 'hs2');
    await userEvent.selectOptions(within(dialog).getByRole('combobox', { name: 'Expires in' }), '7d');
    await userEvent.click(within(dialog).getByRole('checkbox', { name: /Reusable/ }));
    await userEvent.click(within(dialog).getByRole('button', { name: 'Create key' }));

    const panel = await screen.findByRole('region', { name: 'New pre-auth key for bob' });
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(panel).toHaveTextContent('shown only this once');
    expect(panel).toHaveTextContent('hskey-auth-FULLSECRET');
    expect(panel).toHaveTextContent(
      'tailscale up --login-server https://hs.example.com --authkey hskey-auth-FULLSECRET',
    );
    await userEvent.click(within(panel).getByRole('button', { name: 'Copy pre-auth key' }));
    expect(writeText).toHaveBeenCalledWith('hskey-auth-FULLSECRET');
    expect(await within(panel).findByText('Copied')).toBeInTheDocument();

    const post = requests.find((r) => r.method === 'POST');
    const body = (await post?.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ user: 'hs2', reusable: true, ephemeral: false, aclTags: [] });
    const hours = (new Date(body.expiration as string).getTime() - Date.now()) / 3_600_000;
    expect(Math.round(hours)).toBe(168);

    await userEvent.click(within(panel).getByRole('button', { name: 'Done' }));
    expect(screen.queryByText(/hskey-auth-FULLSECRET/)).not.toBeInTheDocument();
  });

  it('asks for a tag before creating a tag-only key', async () => {
    const { requests } = signedInAs(oidcMe);
    await keysPage();
    await userEvent.click(screen.getByRole('button', { name: 'Create pre-auth key' }));
    const dialog = await screen.findByRole('dialog', { name: 'Create pre-auth key' });
    await userEvent.selectOptions(within(dialog).getByRole('combobox', { name: 'User' }), 'tag-only');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Create key' }));
    expect(within(dialog).getByRole('textbox', { name: 'ACL tags' })).toHaveAccessibleDescription(
      /A tag-only key needs at least one tag/,
    );
    expect(requests.some((r) => r.method === 'POST')).toBe(false);
  });

  it('offers only your own user without generate_authkeys, and no tag-only key', async () => {
    const { requests } = signedInAs(linkedViewer, {
      'POST /preauthkeys': () => jsonResponse(preAuthKey('3', { key: 'hskey-auth-MINE' }), { status: 201 }),
    });
    await keysPage();
    expect(screen.queryByRole('combobox', { name: 'User' })).not.toBeInTheDocument(); // no user filter
    await userEvent.click(screen.getByRole('button', { name: 'Create pre-auth key' }));
    const dialog = await screen.findByRole('dialog', { name: 'Create pre-auth key' });
    const user = within(dialog).getByRole('combobox', { name: 'User' });
    expect(within(user).getAllByRole('option').map((o) => o.textContent)).toEqual(['bob (you)']);
    expect(user).toHaveAccessibleDescription('Your role creates keys only for your own Headscale user.');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Create key' }));
    await screen.findByText('hskey-auth-MINE');
    const body = (await requests.find((r) => r.method === 'POST')?.json()) as Record<string, unknown>;
    expect(body.user).toBe('hs2');
  });

  it('shows the server’s explanation to someone not linked to a Headscale user', async () => {
    signedInAs(oidcMeAs('viewer'), {
      'POST /preauthkeys': () =>
        apiError(409, 'not_linked', 'You are not linked to a Headscale user.', 'Ask an administrator to link you.'),
    });
    await keysPage();
    await userEvent.click(screen.getByRole('button', { name: 'Create pre-auth key' }));
    const dialog = await screen.findByRole('dialog', { name: 'Create pre-auth key' });
    expect(within(within(dialog).getByRole('combobox', { name: 'User' })).getByRole('option')).toHaveTextContent(
      'Your own Headscale user',
    );
    await userEvent.click(within(dialog).getByRole('button', { name: 'Create key' }));
    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('You are not linked to a Headscale user.');
    expect(alert).toHaveTextContent('Ask an administrator to link you.');
  });

  it('expires a pre-auth key after confirming', async () => {
    const { requests } = signedInAs(oidcMe, { 'POST /preauthkeys/1/expire': () => new Response(null, { status: 204 }) });
    await keysPage();
    await userEvent.click(await screen.findByRole('button', { name: 'Expire hskey-auth-1xxxx-***' }));
    const dialog = await screen.findByRole('dialog', { name: 'Expire pre-auth key hskey-auth-1xxxx-***?' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Expire key' }));
    await waitFor(() => {
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    });
    expect(requests.some((r) => r.method === 'POST' && r.url.endsWith('/preauthkeys/1/expire'))).toBe(true);
  });

  it('lists API keys and keeps Headway’s own from being expired or deleted, saying why', async () => {
    signedInAs(oidcMe);
    await keysPage();
    const table = await screen.findByRole('table', { name: 'API keys' });
    const own = within(table).getByRole('row', { name: /hskey-api-ownkey/ });
    expect(own).toHaveTextContent('Used by Headway');
    const expire = within(own).getByRole('button', { name: 'Expire hskey-api-ownkey000000' });
    const remove = within(own).getByRole('button', { name: 'Delete hskey-api-ownkey000000' });
    expect(expire).toBeDisabled();
    expect(remove).toBeDisabled();
    expect(remove).toHaveAccessibleDescription(/Headway uses this key/);
    const other = within(table).getByRole('row', { name: /hskey-api-scriptkey/ });
    expect(other).not.toHaveTextContent('Used by Headway');
    expect(within(other).getByRole('button', { name: 'Delete hskey-api-scriptkey000' })).toBeEnabled();
  });

  it('creates an API key with a required expiry and shows it once', async () => {
    const { requests } = signedInAs(oidcMe, {
      'POST /apikeys': () =>
        jsonResponse({ apiKey: 'hskey-api-NEWKEY.secret', expiration: '2026-01-01T00:00:00Z' }, { status: 201 }),
    });
    await keysPage();
    await userEvent.click(await screen.findByRole('button', { name: 'Create API key' }));
    const dialog = await screen.findByRole('dialog', { name: 'Create API key' });
    const expiry = within(dialog).getByRole('combobox', { name: 'Expires in' });
    expect(within(expiry).getAllByRole('option').map((o) => o.textContent)).toEqual([
      '30 days',
      '90 days',
      '365 days',
      'Custom date…',
    ]);
    await userEvent.selectOptions(expiry, '30d');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Create key' }));
    const panel = await screen.findByRole('region', { name: 'New API key' });
    expect(panel).toHaveTextContent('hskey-api-NEWKEY.secret');
    expect(within(panel).getByRole('button', { name: 'Copy API key' })).toBeInTheDocument();
    const body = (await requests.find((r) => r.method === 'POST')?.json()) as { expiration: string };
    expect(Math.round((new Date(body.expiration).getTime() - Date.now()) / 86_400_000)).toBe(30);
  });

  it('hides API keys without manage_apikeys', async () => {
    signedInAs(oidcMeAs('network_admin'));
    await keysPage();
    await screen.findByRole('table', { name: 'Pre-auth keys' });
    expect(screen.queryByRole('heading', { name: 'API keys' })).not.toBeInTheDocument();
  });
});

describe('API key expiry banner', () => {
  const soon = () =>
    jsonResponse({
      ...info(),
      headscale: { ...info().headscale, apiKeyExpiresAt: '2030-05-06T12:00:00Z', apiKeyExpiresSoon: true },
    });

  it('warns owners and admins that Headway’s key expires soon', async () => {
    signedInAs(oidcMe, { 'GET /info': soon });
    await keysPage();
    const date = new Date('2030-05-06T12:00:00Z').toLocaleDateString();
    expect(
      await screen.findByText(
        (_, el) =>
          el?.tagName === 'P' &&
          el.textContent ===
            `Headway’s Headscale API key expires on ${date} — create a new one and set headscale.api_key. Manage API keys`.replace('’', "'"),
      ),
    ).toBeInTheDocument();
  });

  it('says nothing to those who cannot manage API keys', async () => {
    signedInAs(linkedViewer, { 'GET /info': soon });
    await keysPage();
    await screen.findByRole('table', { name: 'Pre-auth keys' });
    expect(screen.queryByText(/API key expires/)).not.toBeInTheDocument();
  });
});
