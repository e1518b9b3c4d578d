import { screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { routes } from '@/app/router';
import { info, oidcMe, stubApi, unauthenticated } from '@/testing/api';
import { jsonResponse, renderRoutes } from '@/testing/render';

vi.mock('@/lib/navigate-away', () => ({ navigateAway: vi.fn() }));

describe('routes', () => {
  it('shows a not-found page with a way home for unknown paths', async () => {
    stubApi({
      'GET /me': () => jsonResponse(oidcMe),
      'GET /info': () => jsonResponse(info()),
    });
    renderRoutes(routes, '/some/deep/route');

    expect(
      await screen.findByRole('heading', { level: 1, name: 'Page not found' }),
    ).toBeInTheDocument();
    expect(screen.getByRole('banner')).toHaveTextContent('Headway');
    expect(screen.getByText('/some/deep/route')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('link', { name: /go to the status page/i }));
    expect(screen.getByRole('heading', { level: 1, name: 'Status' })).toBeInTheDocument();
    expect(await screen.findByText('Reachable')).toBeInTheDocument();
    expect(screen.getByRole('main')).toHaveFocus();
  });

  it('shows who is signed in, with a link to the settings and a way to sign out', async () => {
    stubApi({
      'GET /me': () => jsonResponse(oidcMe),
      'GET /info': () => jsonResponse(info()),
    });
    renderRoutes(routes, '/');

    const banner = screen.getByRole('banner');
    expect(await screen.findByText('Alice Anderson')).toBeInTheDocument();
    expect(banner).toHaveTextContent('Signed in as Alice Anderson');
    expect(screen.getByRole('link', { name: 'Settings' })).toHaveAttribute('href', '/admin/settings');
    expect(screen.getByRole('button', { name: 'Sign out' })).toBeEnabled();
  });

  it('sends a signed-out visitor to the login page, with the way back', async () => {
    stubApi({
      'GET /me': unauthenticated,
      'GET /info': () => jsonResponse(info()),
    });
    const { router } = renderRoutes(routes, '/settings/sessions?x=1');

    expect(await screen.findByRole('heading', { level: 1, name: 'Sign in to Headway' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/admin/login');
    expect(new URLSearchParams(router.state.location.search).get('return_to')).toBe('/admin/settings/sessions?x=1');
    expect(screen.queryByRole('button', { name: 'Sign out' })).not.toBeInTheDocument();
    expect(await screen.findByRole('link', { name: 'Sign in with single sign-on' })).toHaveAttribute(
      'href',
      `/admin/oidc/start?return_to=${encodeURIComponent('/admin/settings/sessions?x=1')}`,
    );
  });

  it('sends the person to the login page when a call finds the session gone', async () => {
    let signedIn = true;
    stubApi({
      'GET /me': () => (signedIn ? jsonResponse(oidcMe) : unauthenticated()),
      'GET /info': () => jsonResponse(info()),
      'GET /sessions': () => {
        signedIn = false;
        return unauthenticated();
      },
      // The settings open on the users page.
      'GET /console-users': () => jsonResponse({ users: [] }),
      'GET /users': () => jsonResponse({ users: [] }),
    });
    const { router } = renderRoutes(routes, '/');
    expect(await screen.findByText('Alice Anderson')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('link', { name: 'Settings' }));
    await userEvent.click(await screen.findByRole('link', { name: 'Sessions' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Sign in to Headway' })).toBeInTheDocument();
    expect(new URLSearchParams(router.state.location.search).get('return_to')).toBe('/admin/settings/sessions');
  });

  it('shows the API reference without sign-in, linked from the login page and the header', async () => {
    stubApi({
      'GET /me': unauthenticated,
      'GET /info': () => jsonResponse(info()),
      'GET /admin/api/openapi.yaml': () =>
        new Response('openapi: 3.0.3\ninfo: {title: Headway API}\npaths: {}\n', {
          headers: { 'Content-Type': 'application/yaml' },
        }),
    });
    const { router } = renderRoutes(routes, '/login');

    await userEvent.click(await screen.findByRole('link', { name: 'API reference' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Headway API' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/admin/api/docs');
    expect(within(screen.getByRole('banner')).getByRole('link', { name: 'API' })).toHaveAttribute(
      'href',
      '/admin/api/docs',
    );
  });
});
