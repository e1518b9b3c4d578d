import { screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { routes } from '@/app/router';
import {
  alice,
  apiError,
  bob,
  carol,
  headscaleUser,
  info,
  oidcMe,
  oidcMeAs,
  stubApi,
  type Me,
} from '@/testing/api';
import { jsonResponse, renderRoutes } from '@/testing/render';

vi.mock('@/lib/navigate-away', () => ({ navigateAway: vi.fn() }));

function signedInAs(me: Me, extra: Parameters<typeof stubApi>[0] = {}) {
  return stubApi({
    'GET /me': () => jsonResponse(me),
    'GET /info': () => jsonResponse(info()),
    'GET /console-users': () => jsonResponse({ users: [alice, bob, carol] }),
    'GET /users': () =>
      jsonResponse({
        users: [
          headscaleUser('hs1', 'alice', { linkedConsoleUserId: 'u1' }),
          headscaleUser('hs2', 'shared'),
          headscaleUser('hs3', 'carol', { linkedConsoleUserId: 'u3' }),
        ],
      }),
    ...extra,
  });
}

async function usersTable() {
  renderRoutes(routes, '/settings/users');
  await screen.findByRole('heading', { level: 1, name: 'Users and roles' });
  const table = await screen.findByRole('table', { name: 'Console users' });
  // The Headscale users' names arrive with the second list.
  await within(table).findByText('carol');
  return table;
}

function row(table: HTMLElement, name: string) {
  return within(table).getByRole('row', { name: new RegExp(name) });
}

describe('users and roles page', () => {
  it('lists console users with role, pin and linked Headscale user', async () => {
    signedInAs(oidcMe);
    const table = await usersTable();

    expect(row(table, 'Alice Anderson')).toHaveTextContent('You');
    expect(row(table, 'Alice Anderson')).toHaveTextContent('Owner');
    expect(row(table, 'Alice Anderson')).toHaveTextContent('alice');
    expect(row(table, 'Bob Brown')).toHaveTextContent('Member');
    expect(row(table, 'Bob Brown')).toHaveTextContent('Not linked');
    expect(row(table, 'Carol Clark')).toHaveTextContent('Viewer Pinned');
    expect(row(table, 'Carol Clark')).toHaveTextContent('Never');
    expect(screen.getByRole('link', { name: 'Users' })).toHaveAttribute('aria-current', 'page');
  });

  it('offers no actions without configure_iam', async () => {
    signedInAs(oidcMeAs('viewer'));
    const table = await usersTable();

    expect(within(table).queryAllByRole('button')).toEqual([]);
    expect(screen.getByText(/lets you view them but not change them/)).toBeInTheDocument();
  });

  it('never offers to change your own role, nor the owner’s', async () => {
    signedInAs(oidcMe);
    const table = await usersTable();

    expect(within(row(table, 'Alice Anderson')).queryByRole('button', { name: /change role/i })).toBeNull();
    expect(within(row(table, 'Alice Anderson')).queryByRole('button', { name: /delete/i })).toBeNull();
    expect(within(row(table, 'Bob Brown')).getByRole('button', { name: 'Change role of Bob Brown' })).toBeEnabled();
    expect(within(row(table, 'Bob Brown')).getByRole('button', { name: 'Transfer ownership to Bob Brown' })).toBeEnabled();
    expect(within(row(table, 'Carol Clark')).getByRole('button', { name: 'Unpin the role of Carol Clark' })).toBeEnabled();
  });

  it('offers only roles the viewer holds, and shows the server’s refusal in the dialog', async () => {
    const { requests } = signedInAs(oidcMeAs('it_admin'), {
      'PATCH /console-users/u3': () =>
        apiError(403, 'role_exceeds_actor', 'You cannot grant a role with capabilities you lack.'),
    });
    const table = await usersTable();

    const opener = within(row(table, 'Carol Clark')).getByRole('button', { name: 'Change role of Carol Clark' });
    await userEvent.click(opener);
    const dialog = screen.getByRole('dialog', { name: 'Change the role of Carol Clark' });
    const select = within(dialog).getByRole('combobox', { name: 'Role' });
    expect(select).toHaveFocus();
    expect(within(select).getAllByRole('option').map((o) => o.textContent)).toEqual([
      'IT admin',
      'Auditor',
      'Viewer',
      'Member',
    ]);
    await userEvent.selectOptions(select, 'Auditor');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Change role' }));

    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('You cannot grant a role with capabilities you lack.');
    const patch = requests.find((r) => r.method === 'PATCH');
    expect(await patch?.json()).toEqual({ role: 'auditor' });

    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(opener).toHaveFocus();
  });

  it('changes a role and refreshes the list', async () => {
    let users = [alice, bob, carol];
    signedInAs(oidcMe, {
      'GET /console-users': () => jsonResponse({ users }),
      'PATCH /console-users/u2': () => {
        users = [alice, { ...bob, role: 'viewer', rolePinned: true }, carol];
        return jsonResponse(users[1]);
      },
    });
    const table = await usersTable();

    await userEvent.click(within(row(table, 'Bob Brown')).getByRole('button', { name: 'Change role of Bob Brown' }));
    const dialog = screen.getByRole('dialog', { name: 'Change the role of Bob Brown' });
    const select = within(dialog).getByRole('combobox', { name: 'Role' });
    expect(within(select).queryByRole('option', { name: 'Owner' })).toBeNull();
    await userEvent.selectOptions(select, 'Viewer');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Change role' }));

    await waitFor(() => {
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    });
    await waitFor(() => {
      expect(row(screen.getByRole('table'), 'Bob Brown')).toHaveTextContent('Viewer Pinned');
    });
  });

  it('deletes a user only after their email or name is typed', async () => {
    const { requests } = signedInAs(oidcMe, {
      'DELETE /console-users/u2': () => new Response(null, { status: 204 }),
    });
    const table = await usersTable();

    await userEvent.click(within(row(table, 'Bob Brown')).getByRole('button', { name: 'Delete Bob Brown' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete Bob Brown?' });
    const confirm = within(dialog).getByLabelText('Type bob@example.com to confirm');
    const submit = within(dialog).getByRole('button', { name: 'Delete user' });
    expect(submit).toBeDisabled();

    await userEvent.type(confirm, 'Bob');
    expect(submit).toBeDisabled();
    await userEvent.type(confirm, '{Enter}');
    expect(requests.some((r) => r.method === 'DELETE')).toBe(false);

    await userEvent.type(confirm, ' Brown');
    expect(submit).toBeEnabled();
    await userEvent.click(submit);
    await waitFor(() => {
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    });
    expect(requests.find((r) => r.method === 'DELETE')?.url).toMatch(/\/console-users\/u2$/);
  });

  it('links a user to a Headscale user nobody has', async () => {
    const { requests } = signedInAs(oidcMe, {
      'PUT /console-users/u2/link': () => jsonResponse({ ...bob, headscaleUserId: 'hs2' }),
    });
    const table = await usersTable();

    await userEvent.click(
      within(row(table, 'Bob Brown')).getByRole('button', { name: 'Link Bob Brown to a Headscale user' }),
    );
    const dialog = screen.getByRole('dialog', { name: 'Link Bob Brown to a Headscale user' });
    const select = within(dialog).getByRole('combobox', { name: 'Headscale user' });
    expect(within(select).getAllByRole('option').map((o) => o.textContent)).toEqual(['shared']);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Link' }));

    await waitFor(() => {
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    });
    expect(await requests.find((r) => r.method === 'PUT')?.json()).toEqual({ headscaleUserId: 'hs2' });
  });
});
