import { screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { routes } from '@/app/router';
import { alice, apiError, bob, headscaleUser, info, oidcMe, oidcMeAs, stubApi, type Me } from '@/testing/api';
import { jsonResponse, renderRoutes } from '@/testing/render';

vi.mock('@/lib/navigate-away', () => ({ navigateAway: vi.fn() }));

const users = [
  headscaleUser('hs1', 'alice', { linkedConsoleUserId: 'u1', nodeCount: 2, email: 'alice@example.com' }),
  headscaleUser('hs2', 'shared', { displayName: 'Shared devices' }),
  headscaleUser('hs3', 'carol', { provider: 'oidc', providerId: 'https://idp/carol' }),
];

function signedInAs(me: Me, extra: Parameters<typeof stubApi>[0] = {}) {
  return stubApi({
    'GET /me': () => jsonResponse(me),
    'GET /info': () => jsonResponse(info()),
    'GET /console-users': () => jsonResponse({ users: [alice, bob] }),
    'GET /users': () => jsonResponse({ users }),
    ...extra,
  });
}

async function usersTable() {
  renderRoutes(routes, '/headscale-users');
  await screen.findByRole('heading', { level: 1, name: 'Headscale users' });
  const table = await screen.findByRole('table', { name: 'Headscale users' });
  await within(table).findByText('Alice Anderson');
  return table;
}

function row(table: HTMLElement, name: string) {
  return within(table).getByRole('row', { name: new RegExp(`^${name}\\b`) });
}

describe('Headscale users page', () => {
  it('lists users with provider, machine count and linked console user', async () => {
    signedInAs(oidcMe);
    const table = await usersTable();

    expect(row(table, 'alice')).toHaveTextContent('Local');
    expect(row(table, 'alice')).toHaveTextContent('2');
    expect(row(table, 'alice')).toHaveTextContent('Alice Anderson');
    expect(row(table, 'shared')).toHaveTextContent('Shared devices');
    expect(row(table, 'shared')).toHaveTextContent('Not linked');
    expect(row(table, 'carol')).toHaveTextContent('OIDC');
    expect(screen.getByRole('link', { name: 'Headscale users' })).toHaveAttribute('aria-current', 'page');
  });

  it('disables rename for OIDC users and delete for users with machines, saying why', async () => {
    signedInAs(oidcMe);
    const table = await usersTable();

    const renameCarol = within(row(table, 'carol')).getByRole('button', { name: 'Rename carol' });
    expect(renameCarol).toBeDisabled();
    expect(renameCarol).toHaveAccessibleDescription(/identity provider/);
    expect(within(row(table, 'carol')).getByRole('button', { name: 'Delete carol' })).toBeEnabled();

    const deleteAlice = within(row(table, 'alice')).getByRole('button', { name: 'Delete alice' });
    expect(deleteAlice).toBeDisabled();
    expect(deleteAlice).toHaveAccessibleDescription('Has 2 machines: delete or move them first.');
    expect(within(row(table, 'alice')).getByRole('button', { name: 'Rename alice' })).toBeEnabled();
  });

  it('offers no changes without write_users', async () => {
    signedInAs(oidcMeAs('viewer'));
    const table = await usersTable();

    expect(within(table).queryAllByRole('button')).toEqual([]);
    expect(screen.queryByRole('button', { name: 'Create user' })).toBeNull();
  });

  it('checks a new user’s name before creating it', async () => {
    const { requests } = signedInAs(oidcMe, {
      'POST /users': () => jsonResponse(headscaleUser('hs4', 'dave'), { status: 201 }),
    });
    await usersTable();

    await userEvent.click(screen.getByRole('button', { name: 'Create user' }));
    const dialog = screen.getByRole('dialog', { name: 'Create a Headscale user' });
    const name = within(dialog).getByRole('textbox', { name: 'Name' });
    await userEvent.type(name, '1dave');
    expect(name).toHaveAttribute('aria-invalid', 'true');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Create user' }));
    expect(requests.some((r) => r.method === 'POST')).toBe(false);

    await userEvent.clear(name);
    await userEvent.type(name, 'dave');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Create user' }));
    await waitFor(() => {
      expect(screen.queryByRole('dialog')).toBeNull();
    });
    expect(await requests.find((r) => r.method === 'POST')?.json()).toEqual({ name: 'dave' });
  });

  it('shows the server’s user_has_machines refusal', async () => {
    signedInAs(oidcMe, {
      'DELETE /users/hs2': () =>
        apiError(409, 'user_has_machines', 'This user still has machines.', 'Delete or re-register their machines first.'),
    });
    const table = await usersTable();

    await userEvent.click(within(row(table, 'shared')).getByRole('button', { name: 'Delete shared' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete Headscale user shared?' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Delete user' }));

    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('This user still has machines.');
    expect(alert).toHaveTextContent('Delete or re-register their machines first.');
  });
});
