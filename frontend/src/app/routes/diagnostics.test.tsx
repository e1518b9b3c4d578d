import { screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { components } from '@/api/schema';
import { routes } from '@/app/router';
import { apiError, info, oidcMe, oidcMeAs, stubApi } from '@/testing/api';
import { jsonResponse, renderRoutes } from '@/testing/render';

vi.mock('@/lib/navigate-away', () => ({ navigateAway: vi.fn() }));

type Diagnostics = components['schemas']['Diagnostics'];

const failing: Diagnostics = {
  ok: false,
  checks: [
    { name: 'database.reachable', status: 'pass', detail: 'PostgreSQL 15.8 answers.', fix: '' },
    {
      name: 'server.cookie_secure',
      status: 'fail',
      detail: 'Secure cookies over plain HTTP: browsers drop them.',
      fix: 'Set server.cookie_secure: false, or serve over HTTPS.',
    },
    { name: 'oidc.pkce', status: 'warn', detail: 'The provider offers PKCE.', fix: 'Set oidc.use_pkce: true.' },
  ],
};

const passing: Diagnostics = {
  ok: true,
  checks: [{ name: 'database.reachable', status: 'pass', detail: 'PostgreSQL 15.8 answers.', fix: '' }],
};

describe('diagnostics page', () => {
  it('shows the overall result first, then each check with its status, detail and fix', async () => {
    stubApi({
      'GET /me': () => jsonResponse(oidcMe),
      'GET /info': () => jsonResponse(info()),
      'GET /diagnostics': () => jsonResponse(failing),
    });
    renderRoutes(routes, '/settings/diagnostics');
    expect(await screen.findByRole('heading', { level: 1, name: 'Diagnostics' })).toBeInTheDocument();
    const overall = await screen.findByText('1 check failed, 1 warning');
    expect(overall.parentElement).toHaveTextContent('Fix first: server.cookie_secure.');

    const checks = within(screen.getByRole('list', { name: 'Checks' })).getAllByRole('listitem');
    expect(checks).toHaveLength(3);
    expect(checks[1]).toHaveTextContent('server.cookie_secure');
    expect(checks[1]).toHaveTextContent('Fail');
    expect(checks[1]).toHaveTextContent('Secure cookies over plain HTTP');
    expect(checks[1]).toHaveTextContent('Fix: Set server.cookie_secure: false, or serve over HTTPS.');
    expect(checks[2]).toHaveTextContent('oidc.pkce');
    expect(checks[2]).toHaveTextContent('Warning');
    expect(checks[0]).toHaveTextContent('database.reachable');
    expect(checks[0]).toHaveTextContent('Pass');
    expect(checks[0]).not.toHaveTextContent('Fix:');

    const settings = screen.getByRole('navigation', { name: 'Settings' });
    expect(within(settings).getByRole('link', { name: 'Diagnostics' })).toHaveAttribute('aria-current', 'page');
  });

  it('runs the checks again on request', async () => {
    let calls = 0;
    stubApi({
      'GET /me': () => jsonResponse(oidcMe),
      'GET /info': () => jsonResponse(info()),
      'GET /diagnostics': () => {
        calls++;
        return jsonResponse(calls === 1 ? failing : passing);
      },
    });
    renderRoutes(routes, '/settings/diagnostics');
    await screen.findByText('1 check failed, 1 warning');
    await userEvent.click(screen.getByRole('button', { name: 'Run again' }));
    expect(await screen.findByText('All 1 check passed.')).toBeInTheDocument();
    await waitFor(() => {
      expect(screen.getByRole('button', { name: 'Run again' })).toBeEnabled();
    });
    expect(calls).toBe(2);
  });

  it('shows the server’s error', async () => {
    stubApi({
      'GET /me': () => jsonResponse(oidcMe),
      'GET /info': () => jsonResponse(info()),
      'GET /diagnostics': () => apiError(500, 'internal', 'Something failed on the server.', 'Look at the log.'),
    });
    renderRoutes(routes, '/settings/diagnostics');
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Could not run the checks');
    expect(alert).toHaveTextContent('Look at the log.');
  });

  it('is only for the owner', async () => {
    stubApi({
      'GET /me': () => jsonResponse(oidcMeAs('admin')),
      'GET /info': () => jsonResponse(info()),
    });
    renderRoutes(routes, '/settings/diagnostics');
    expect(await screen.findByRole('heading', { level: 1, name: 'Not allowed' })).toBeInTheDocument();
    const settings = screen.getByRole('navigation', { name: 'Settings' });
    expect(within(settings).getAllByRole('link').map((l) => l.textContent)).toEqual(['Users', 'Sessions', 'API tokens']);
  });
});

describe('settings', () => {
  it('open on the first page the caller may use', async () => {
    stubApi({
      'GET /me': () => jsonResponse(oidcMeAs('member', { capabilities: ['ui_access'] })),
      'GET /info': () => jsonResponse(info()),
      'GET /sessions': () => jsonResponse({ sessions: [] }),
    });
    const { router } = renderRoutes(routes, '/settings');
    expect(await screen.findByRole('heading', { level: 1, name: 'Sessions' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/admin/settings/sessions');
  });
});
