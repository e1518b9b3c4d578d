import { screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { routes } from '@/app/router';
import { navigateAway } from '@/lib/navigate-away';
import { currentSession, info, oidcMe, otherSession, stubApi } from '@/testing/api';
import { jsonResponse, renderRoutes } from '@/testing/render';

vi.mock('@/lib/navigate-away', () => ({ navigateAway: vi.fn() }));

beforeEach(() => {
  vi.mocked(navigateAway).mockClear();
});

function signedIn(extra: Parameters<typeof stubApi>[0] = {}) {
  let sessions = [currentSession, otherSession];
  const stub = stubApi({
    'GET /me': () => jsonResponse(oidcMe),
    'GET /info': () => jsonResponse(info()),
    'GET /sessions': () => jsonResponse({ sessions }),
    'DELETE /sessions/sess-other': () => {
      sessions = sessions.filter((s) => s.id !== 'sess-other');
      return new Response(null, { status: 204 });
    },
    'DELETE /sessions/sess-current': () => new Response(null, { status: 204 }),
    ...extra,
  });
  return stub;
}

async function sessionsPage() {
  renderRoutes(routes, '/settings/sessions');
  await screen.findByRole('heading', { level: 1, name: 'Sessions' });
  return screen.findByRole('table');
}

describe('sessions page', () => {
  it('lists the sessions and marks this one', async () => {
    signedIn();
    const table = await sessionsPage();

    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(3);
    expect(rows[1]).toHaveTextContent('This session');
    expect(rows[1]).toHaveTextContent('Firefox/130.0');
    expect(rows[1]).toHaveTextContent('192.0.2.10');
    expect(rows[2]).not.toHaveTextContent('This session');
    expect(rows[2]).toHaveTextContent('198.51.100.7');
  });

  it('revokes another session after confirmation, sending the CSRF token', async () => {
    const { requests } = signedIn();
    const table = await sessionsPage();

    const row = within(table).getByRole('row', { name: /Safari/ });
    await userEvent.click(within(row).getByRole('button', { name: /^Revoke session signed in/ }));

    const dialog = screen.getByRole('dialog', { name: 'Revoke the session?' });
    expect(dialog).toHaveTextContent('Safari/605.1.15');
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();

    await userEvent.click(within(dialog).getByRole('button', { name: 'Revoke session' }));

    await waitFor(() => {
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    });
    await waitFor(() => {
      expect(within(screen.getByRole('table')).getAllByRole('row')).toHaveLength(2);
    });
    const del = requests.find((r) => r.method === 'DELETE');
    expect(new URL(del?.url ?? 'http://x/').pathname).toBe('/admin/api/v1/sessions/sess-other');
    expect(del?.headers.get('X-CSRF-Token')).toBe('csrf-token-1');
    expect(navigateAway).not.toHaveBeenCalled();
  });

  it('cancelling changes nothing and puts focus back', async () => {
    const { requests } = signedIn();
    const table = await sessionsPage();

    const button = within(table).getByRole('button', { name: 'Revoke this session' });
    await userEvent.click(button);
    const dialog = screen.getByRole('dialog', { name: 'Revoke this session?' });
    expect(dialog).toHaveTextContent('you will be signed out');

    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(button).toHaveFocus();
    expect(requests.some((r) => r.method === 'DELETE')).toBe(false);
  });

  it('revoking this session goes to the login page', async () => {
    signedIn();
    const table = await sessionsPage();

    await userEvent.click(within(table).getByRole('button', { name: 'Revoke this session' }));
    await userEvent.click(screen.getByRole('button', { name: 'Revoke and sign out' }));

    await waitFor(() => {
      expect(navigateAway).toHaveBeenCalledWith('/admin/login?signed_out=1');
    });
  });

  it("shows the server's reason when revoking fails", async () => {
    signedIn({
      'DELETE /sessions/sess-other': () =>
        jsonResponse(
          { error: { code: 'session_not_found', message: 'You have no session with that id.' } },
          { status: 404 },
        ),
    });
    const table = await sessionsPage();

    await userEvent.click(within(table).getByRole('button', { name: /^Revoke session signed in/ }));
    await userEvent.click(screen.getByRole('button', { name: 'Revoke session' }));

    const alert = await within(screen.getByRole('dialog')).findByRole('alert');
    expect(alert).toHaveTextContent('You have no session with that id.');
  });
});

describe('signing out', () => {
  it('signs out with the CSRF token and loads the login page', async () => {
    const { requests } = signedIn({ 'POST /auth/logout': () => jsonResponse({}) });
    renderRoutes(routes, '/');
    await userEvent.click(await screen.findByRole('button', { name: 'Sign out' }));

    await waitFor(() => {
      expect(navigateAway).toHaveBeenCalledWith('/admin/login?signed_out=1');
    });
    expect(requests.find((r) => r.method === 'POST')?.headers.get('X-CSRF-Token')).toBe('csrf-token-1');
  });

  it("goes to the identity provider's logout when the server names it", async () => {
    signedIn({ 'POST /auth/logout': () => jsonResponse({ endSessionUrl: 'https://id.example.com/logout?x=1' }) });
    renderRoutes(routes, '/');
    await userEvent.click(await screen.findByRole('button', { name: 'Sign out' }));

    await waitFor(() => {
      expect(navigateAway).toHaveBeenCalledWith('https://id.example.com/logout?x=1');
    });
  });
});
