import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { components } from '@/api/schema';
import { routes } from '@/app/router';
import { apiError, apiKeyMe, bob, info, oidcMe, oidcMeAs, stubApi, type Me } from '@/testing/api';
import { jsonResponse, renderRoutes } from '@/testing/render';

vi.mock('@/lib/navigate-away', () => ({ navigateAway: vi.fn() }));

type Token = components['schemas']['Token'];

const aliceOwner = { id: 'u1', email: 'alice@example.com', name: 'Alice Anderson', role: 'owner' } as const;
const bobOwner = { id: 'u2', email: 'bob@example.com', name: 'Bob Brown', role: 'viewer' } as const;

function token(id: string, extra: Partial<Token> = {}): Token {
  return {
    id,
    name: `token ${id}`,
    prefix: `hw_${id}abcdefg`,
    role: 'viewer',
    effectiveRole: 'viewer',
    state: 'active',
    createdAt: '2025-01-01T00:00:00Z',
    expiresAt: '2099-01-01T00:00:00Z',
    owner: aliceOwner,
    ...extra,
  };
}

const own = [
  token('1', { name: 'backup script', lastUsedAt: '2025-01-05T00:00:00Z' }),
  token('2', { name: 'old deploy', state: 'expired', expiresAt: '2025-01-02T00:00:00Z' }),
  token('3', { name: 'ci', state: 'revoked', revokedAt: '2025-01-03T00:00:00Z' }),
];
const everyone = [...own, token('4', { name: 'bobs script', role: 'admin', effectiveRole: 'viewer', owner: bobOwner })];

function signedInAs(me: Me, extra: Parameters<typeof stubApi>[0] = {}) {
  return stubApi({
    'GET /me': () => jsonResponse(me),
    'GET /info': () => jsonResponse(info()),
    'GET /tokens': (request) =>
      jsonResponse({
        tokens: new URL(request.url).searchParams.get('all') === 'true' ? everyone : own,
        maxAgeDays: 90,
      }),
    ...extra,
  });
}

async function tokensPage(path = '/settings/tokens') {
  const view = renderRoutes(routes, path);
  await screen.findByRole('heading', { level: 1, name: 'API tokens' });
  return view;
}

const newToken = {
  token: 'hw_NEWSECRETTOKENVALUE',
  details: token('5', { name: 'nightly', role: 'auditor', effectiveRole: 'auditor' }),
};

describe('API tokens page', () => {
  it('lists the caller’s tokens with their state, last use and expiry, under Settings', async () => {
    signedInAs(oidcMeAs('viewer'));
    await tokensPage();
    const table = await screen.findByRole('table', { name: 'API tokens' });
    const rows = within(table).getAllByRole('row');
    expect(rows[1]).toHaveTextContent('backup script');
    expect(rows[1]).toHaveTextContent('hw_1abcdefg…');
    expect(rows[1]).toHaveTextContent('Active');
    expect(within(rows[1] as HTMLElement).getByRole('button', { name: 'Revoke backup script' })).toBeEnabled();
    expect(rows[2]).toHaveTextContent('Expired');
    expect(rows[2]).toHaveTextContent('Never');
    expect(rows[3]).toHaveTextContent('Revoked');
    // Nothing to revoke once it no longer works.
    expect(within(rows[2] as HTMLElement).queryByRole('button')).not.toBeInTheDocument();
    expect(within(rows[3] as HTMLElement).queryByRole('button')).not.toBeInTheDocument();
    // No owner column, and no "all users" for a viewer.
    expect(within(table).queryByRole('columnheader', { name: 'Owner' })).not.toBeInTheDocument();
    expect(screen.queryByRole('checkbox', { name: /All users/ })).not.toBeInTheDocument();

    const settings = screen.getByRole('navigation', { name: 'Settings' });
    expect(within(settings).getByRole('link', { name: 'API tokens' })).toHaveAttribute('aria-current', 'page');
    expect(within(settings).getAllByRole('link').map((l) => l.textContent)).toEqual(['Users', 'Sessions', 'API tokens']);
    expect(screen.getByRole('link', { name: 'Settings' })).toHaveAttribute('aria-current', 'page');
  });

  it('shows everyone’s tokens, with their owner and effective role, to those with configure_iam', async () => {
    const { requests } = signedInAs(oidcMe);
    const { router } = await tokensPage();
    await screen.findByRole('table', { name: 'API tokens' });
    await userEvent.click(screen.getByRole('checkbox', { name: 'All users’ tokens' }));

    const table = await screen.findByRole('table', { name: 'API tokens' });
    await within(table).findByRole('columnheader', { name: 'Owner' });
    const bobs = within(table).getByRole('row', { name: /bobs script/ });
    expect(bobs).toHaveTextContent('Bob Brown');
    expect(bobs).toHaveTextContent('Admin');
    expect(bobs).toHaveTextContent('Acts as Viewer: its owner’s role is now Viewer');
    expect(new URL(requests.at(-1)?.url ?? 'http://x').searchParams.get('all')).toBe('true');
    expect(new URLSearchParams(router.state.location.search).get('all')).toBe('true');
  });

  it('creates a token with a role within the caller’s and shows it once', async () => {
    const writeText = vi.fn(() => Promise.resolve());
    vi.stubGlobal('navigator', Object.assign(Object.create(navigator) as Navigator, { clipboard: { writeText } }));
    const { requests } = signedInAs(oidcMeAs('it_admin'), {
      'POST /tokens': () => jsonResponse(newToken, { status: 201 }),
    });
    await tokensPage();
    await screen.findByRole('table', { name: 'API tokens' });
    await userEvent.click(screen.getByRole('button', { name: 'Create token' }));
    const dialog = await screen.findByRole('dialog', { name: 'Create API token' });
    expect(within(dialog).getByRole('textbox', { name: 'Name' })).toHaveFocus();

    const role = within(dialog).getByRole('combobox', { name: 'Role' });
    expect(within(role).getAllByRole('option').map((o) => o.textContent)).toEqual(['IT admin', 'Auditor', 'Viewer']);
    expect(role).toHaveValue('viewer');
    const expiry = within(dialog).getByRole('combobox', { name: 'Expires in' });
    expect(expiry).toHaveValue('30d');
    expect(within(expiry).getAllByRole('option').map((o) => o.textContent)).toEqual([
      '7 days',
      '30 days',
      '60 days',
      '90 days (the longest allowed)',
      'Custom date…',
    ]);

    // Nameless: refused here, before the server is asked.
    await userEvent.click(within(dialog).getByRole('button', { name: 'Create token' }));
    expect(within(dialog).getByRole('textbox', { name: 'Name' })).toHaveAccessibleDescription(/Give the token a name/);
    expect(requests.some((r) => r.method === 'POST')).toBe(false);

    await userEvent.type(within(dialog).getByRole('textbox', { name: 'Name' }), ' nightly ');
    await userEvent.selectOptions(role, 'auditor');
    const before = Date.now();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Create token' }));

    const shown = await screen.findByRole('dialog', { name: 'New API token “nightly”' });
    expect(screen.queryByRole('dialog', { name: 'Create API token' })).not.toBeInTheDocument();
    expect(shown).toHaveTextContent('you will not see it again');
    expect(shown).toHaveTextContent('hw_NEWSECRETTOKENVALUE');
    expect(shown).toHaveTextContent('Authorization: Bearer hw_NEWSECRETTOKENVALUE');
    await userEvent.click(within(shown).getByRole('button', { name: 'Copy token' }));
    expect(writeText).toHaveBeenCalledWith('hw_NEWSECRETTOKENVALUE');

    const body = (await requests.find((r) => r.method === 'POST')?.json()) as { name: string; role: string; expiresAt: string };
    expect(body.name).toBe('nightly');
    expect(body.role).toBe('auditor');
    const days = (new Date(body.expiresAt).getTime() - before) / 86_400_000;
    expect(days).toBeGreaterThan(29.99);
    expect(days).toBeLessThan(30.01);

    await userEvent.click(within(shown).getByRole('button', { name: 'Done' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(screen.queryByText('hw_NEWSECRETTOKENVALUE')).not.toBeInTheDocument();
  });

  it('shows the server’s refusal of a role beside the role', async () => {
    signedInAs(oidcMeAs('admin', { user: { ...bob, role: 'admin' } }), {
      'POST /tokens': () =>
        apiError(403, 'token_role_too_high', 'A token’s role may not be higher than yours.', 'Pick a lower role.'),
    });
    await tokensPage();
    await screen.findByRole('table', { name: 'API tokens' });
    await userEvent.click(screen.getByRole('button', { name: 'Create token' }));
    const dialog = await screen.findByRole('dialog', { name: 'Create API token' });
    await userEvent.type(within(dialog).getByRole('textbox', { name: 'Name' }), 'x');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Create token' }));
    const role = within(dialog).getByRole('combobox', { name: 'Role' });
    await waitFor(() => {
      expect(role).toHaveAttribute('aria-invalid', 'true');
    });
    expect(role).toHaveAccessibleDescription(/may not be higher than yours.*Pick a lower role/);
  });

  it('offers custom dates up to the longest lifetime, ending at the end of the day', async () => {
    const { requests } = signedInAs(oidcMeAs('viewer'), {
      'POST /tokens': () => jsonResponse(newToken, { status: 201 }),
    });
    await tokensPage();
    await screen.findByRole('table', { name: 'API tokens' });
    await userEvent.click(screen.getByRole('button', { name: 'Create token' }));
    const dialog = await screen.findByRole('dialog', { name: 'Create API token' });
    await userEvent.type(within(dialog).getByRole('textbox', { name: 'Name' }), 'dated');
    await userEvent.selectOptions(within(dialog).getByRole('combobox', { name: 'Expires in' }), 'custom');
    const date = within(dialog).getByLabelText('Expiration date');
    const local = (t: Date) =>
      `${String(t.getFullYear())}-${String(t.getMonth() + 1).padStart(2, '0')}-${String(t.getDate()).padStart(2, '0')}`;
    const now = new Date();
    expect(date).toHaveAttribute('min', local(now));
    expect(date).toHaveAttribute('max', local(new Date(now.getTime() + 90 * 86_400_000)));

    const in10 = new Date(now.getTime() + 10 * 86_400_000);
    fireEvent.change(date, { target: { value: local(in10) } });
    const end = new Date(in10.getFullYear(), in10.getMonth(), in10.getDate(), 23, 59, 59);
    expect(date).toHaveAccessibleDescription(expect.stringContaining(`Expires ${end.toLocaleString()}.`));
    await userEvent.click(within(dialog).getByRole('button', { name: 'Create token' }));
    await screen.findByRole('dialog', { name: 'New API token “nightly”' });
    const body = (await requests.find((r) => r.method === 'POST')?.json()) as { expiresAt: string };
    expect(body.expiresAt).toBe(end.toISOString());
  });

  it('revokes a token after asking', async () => {
    const { requests } = signedInAs(oidcMeAs('viewer'), {
      'DELETE /tokens/1': () => new Response(null, { status: 204 }),
    });
    await tokensPage();
    await screen.findByRole('table', { name: 'API tokens' });
    await userEvent.click(screen.getByRole('button', { name: 'Revoke backup script' }));
    const dialog = await screen.findByRole('dialog', { name: 'Revoke token “backup script”?' });
    expect(dialog).toHaveTextContent('stops working at once');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Revoke token' }));
    await waitFor(() => {
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    });
    expect(requests.some((r) => r.method === 'DELETE' && r.url.endsWith('/tokens/1'))).toBe(true);
  });

  it('explains why a Headscale API key session creates no tokens', async () => {
    signedInAs(apiKeyMe, { 'GET /tokens': () => jsonResponse({ tokens: [], maxAgeDays: 90 }) });
    await tokensPage();
    expect(await screen.findByText('You have no API tokens yet.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Create token' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Create token' })).toHaveAccessibleDescription(/console users/);
  });
});
