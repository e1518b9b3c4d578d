import { screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { routes } from '@/app/router';
import { apiKeyMe, info, oidcMe, oidcMeAs, onboarding, stubApi } from '@/testing/api';
import { jsonResponse, renderRoutes } from '@/testing/render';

vi.mock('@/lib/navigate-away', () => ({ navigateAway: vi.fn() }));

describe('the signed-in guard', () => {
  it('sends a first-time single sign-on user to onboarding, remembering the way back', async () => {
    stubApi({
      'GET /me': () => jsonResponse({ ...oidcMe, needsOnboarding: true }),
      'GET /info': () => jsonResponse(info()),
      'GET /onboarding': () => jsonResponse(onboarding()),
    });
    const { router } = renderRoutes(routes, '/settings/sessions?x=1');

    expect(await screen.findByRole('heading', { level: 1, name: 'Connect your first device' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/admin/onboarding');
    expect(new URLSearchParams(router.state.location.search).get('return_to')).toBe('/admin/settings/sessions?x=1');
  });

  it('never sends an API-key session to onboarding', async () => {
    stubApi({
      'GET /me': () => jsonResponse({ ...apiKeyMe, needsOnboarding: true }),
      'GET /info': () => jsonResponse(info()),
    });
    const { router } = renderRoutes(routes, '/');

    expect(await screen.findByRole('heading', { level: 1, name: 'Status' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/admin/');
    expect(screen.getByRole('link', { name: 'Settings' })).toBeInTheDocument();
  });

  it('shows a member who can grant access, with a way to sign out and no navigation', async () => {
    stubApi({
      'GET /me': () => jsonResponse(oidcMeAs('member')),
      'GET /info': () => jsonResponse(info()),
      'GET /onboarding': () =>
        jsonResponse(
          onboarding({
            step: 'done',
            grantors: [
              { name: 'Alice Anderson', email: 'alice@example.com', role: 'owner' },
              { name: 'Ivan IT', email: 'ivan@example.com', role: 'it_admin' },
            ],
          }),
        ),
    });
    renderRoutes(routes, '/settings/users');

    expect(await screen.findByRole('heading', { level: 1, name: 'No access yet' })).toBeInTheDocument();
    const grantors = await screen.findByRole('region', { name: 'Who can grant access' });
    const items = within(grantors).getAllByRole('listitem');
    expect(items).toHaveLength(2);
    expect(items[0]).toHaveTextContent('Alice Anderson (alice@example.com), Owner');
    expect(items[1]).toHaveTextContent('Ivan IT (ivan@example.com), IT admin');
    expect(screen.getAllByRole('button', { name: 'Sign out' })).toHaveLength(1);
    expect(screen.queryByRole('navigation', { name: 'Main' })).not.toBeInTheDocument();
    expect(screen.getByRole('banner')).toHaveTextContent('Signed in as Bob Brown, role Member');
  });

  it('shows only the pages the role may use, and the role next to the name', async () => {
    stubApi({
      'GET /me': () => jsonResponse(oidcMeAs('network_admin', { capabilities: ['ui_access'] })),
      'GET /info': () => jsonResponse(info()),
    });
    renderRoutes(routes, '/');

    const nav = await screen.findByRole('navigation', { name: 'Main' });
    expect(within(nav).getAllByRole('link').map((l) => l.textContent)).toEqual(['Status', 'Settings']);
    expect(screen.getByRole('banner')).toHaveTextContent('Network admin');
  });

  it('refuses the users page to a role without read_users', async () => {
    stubApi({
      'GET /me': () => jsonResponse(oidcMeAs('viewer', { capabilities: ['ui_access'] })),
      'GET /info': () => jsonResponse(info()),
    });
    renderRoutes(routes, '/settings/users');
    expect(await screen.findByRole('heading', { level: 1, name: 'Not allowed' })).toBeInTheDocument();
  });
});
