import { screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { routes } from '@/app/router';
import { headscaleUser, info, oidcMe, onboarding, stubApi, type Onboarding } from '@/testing/api';
import { jsonResponse, renderRoutes } from '@/testing/render';

vi.mock('@/lib/navigate-away', () => ({ navigateAway: vi.fn() }));

const linux = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36';
const windows = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0';
const iphone = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148';

let writeText: ReturnType<typeof vi.fn>;

beforeEach(() => {
  vi.spyOn(navigator, 'userAgent', 'get').mockReturnValue(linux);
  writeText = vi.fn(() => Promise.resolve());
  Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
});

afterEach(() => {
  Reflect.deleteProperty(navigator, 'clipboard');
});

/** firstTimer stubs a signed-in person who has not onboarded, with GET /onboarding answering in turn. */
function firstTimer(answers: Onboarding[], extra: Parameters<typeof stubApi>[0] = {}) {
  let done = false;
  let call = 0;
  return stubApi({
    'GET /me': () => jsonResponse({ ...oidcMe, needsOnboarding: !done }),
    'GET /info': () => jsonResponse(info()),
    'GET /onboarding': () => jsonResponse(answers[Math.min(call++, answers.length - 1)]),
    'POST /onboarding/complete': () => {
      done = true;
      return jsonResponse(onboarding({ step: 'done' }));
    },
    ...extra,
  });
}

const linked = headscaleUser('hs1', 'alice', { displayName: 'Alice A.' });

describe('onboarding', () => {
  it('links the Headscale user the person chooses', async () => {
    const { requests } = firstTimer([
      onboarding({
        step: 'link',
        candidates: [headscaleUser('hs1', 'alice', { nodeCount: 2 }), headscaleUser('hs2', 'shared')],
      }),
    ], {
      'POST /onboarding/link': () => jsonResponse(onboarding({ step: 'connect', headscaleUser: linked })),
    });
    renderRoutes(routes, '/onboarding');

    expect(await screen.findByRole('heading', { level: 1, name: 'Which Headscale user is yours?' })).toBeInTheDocument();
    const choice = screen.getByRole('radio', { name: 'alice' });
    expect(choice).toHaveAccessibleDescription('2 devices');
    await userEvent.click(choice);
    await userEvent.click(screen.getByRole('button', { name: 'Link this user' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Connect your first device' })).toBeInTheDocument();
    expect(screen.getByText('Alice A.')).toBeInTheDocument();
    const post = requests.find((r) => r.method === 'POST');
    expect(await post?.json()).toEqual({ headscaleUserId: 'hs1' });
    expect(post?.headers.get('X-CSRF-Token')).toBe('csrf-token-1');
  });

  it('"None of these" goes on to connecting, explaining who links the user', async () => {
    const { requests } = firstTimer([
      onboarding({ step: 'link', candidates: [headscaleUser('hs2', 'shared')], canGenerateKey: true }),
    ]);
    renderRoutes(routes, '/onboarding');

    await userEvent.click(await screen.findByRole('button', { name: 'None of these' }));
    expect(screen.getByRole('heading', { level: 1, name: 'Connect your first device' })).toBeInTheDocument();
    expect(screen.getByRole('note')).toHaveTextContent('register under the Headscale user an administrator links');
    // No Headscale user, no key to create.
    expect(screen.queryByRole('button', { name: 'Create a pre-auth key' })).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Skip for now' })).toBeEnabled();
    expect(requests.some((r) => r.method === 'POST')).toBe(false);
  });

  it('shows the command with the login server and copies it', async () => {
    firstTimer([onboarding({ headscaleUser: linked })]);
    renderRoutes(routes, '/onboarding');

    const tabs = await screen.findByRole('tablist', { name: 'Operating system' });
    expect(within(tabs).getByRole('tab', { name: 'Linux' })).toHaveAttribute('aria-selected', 'true');
    const panel = screen.getByRole('tabpanel', { name: 'Linux' });
    expect(panel).toHaveTextContent('tailscale up --login-server https://hs.example.com');

    await userEvent.click(within(panel).getByRole('button', { name: 'Copy command' }));
    expect(writeText).toHaveBeenCalledWith('tailscale up --login-server https://hs.example.com');
    expect(await within(panel).findByText('Copied')).toBeInTheDocument();
  });

  it.each([
    [windows, 'Windows'],
    [iphone, 'iOS'],
  ])('opens the tab of the operating system the browser runs on (%s)', async (ua, tab) => {
    vi.spyOn(navigator, 'userAgent', 'get').mockReturnValue(ua);
    firstTimer([onboarding()]);
    renderRoutes(routes, '/onboarding');

    expect(await screen.findByRole('tab', { name: tab })).toHaveAttribute('aria-selected', 'true');
    expect(screen.getByRole('tabpanel', { name: tab })).toHaveTextContent('https://hs.example.com');
  });

  it('moves between tabs with the arrow keys', async () => {
    firstTimer([onboarding()]);
    renderRoutes(routes, '/onboarding');

    await userEvent.click(await screen.findByRole('tab', { name: 'Linux' }));
    await userEvent.keyboard('{ArrowRight}');
    const macos = screen.getByRole('tab', { name: 'macOS' });
    expect(macos).toHaveFocus();
    expect(macos).toHaveAttribute('aria-selected', 'true');
    await userEvent.keyboard('{End}');
    expect(screen.getByRole('tab', { name: 'Android' })).toHaveAttribute('aria-selected', 'true');
    expect(screen.getAllByRole('tabpanel')).toHaveLength(1);
  });

  it('waits for the first device, then continues to where the person was going', async () => {
    const device = {
      id: 'n1',
      name: 'laptop',
      givenName: 'alice-laptop',
      ipAddresses: ['100.64.0.1', 'fd7a:115c:a1e0::1'],
      online: true,
    };
    const { requests } = firstTimer(
      [onboarding({ headscaleUser: linked }), onboarding({ headscaleUser: linked, devices: [device] })],
      { 'GET /sessions': () => jsonResponse({ sessions: [] }) },
    );
    const { router } = renderRoutes(routes, '/onboarding?return_to=%2Fadmin%2Fsettings%2Fsessions');

    const waiting = await screen.findByText('Waiting for your first device…');
    const live = waiting.closest('[role="status"]');
    expect(live).toHaveAttribute('aria-live', 'polite');
    expect(screen.queryByRole('button', { name: 'Continue' })).not.toBeInTheDocument();

    expect(await screen.findByText('alice-laptop is connected', {}, { timeout: 4000 })).toBeInTheDocument();
    expect(live).toHaveTextContent('100.64.0.1, fd7a:115c:a1e0::1');
    expect(screen.queryByRole('button', { name: 'Skip for now' })).not.toBeInTheDocument();

    const polls = requests.filter((r) => r.method === 'GET' && r.url.endsWith('/onboarding')).length;
    expect(polls).toBeGreaterThanOrEqual(2);

    await userEvent.click(screen.getByRole('button', { name: 'Continue' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Sessions' }, { timeout: 3000 })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/admin/settings/sessions');
    expect(requests.some((r) => r.method === 'POST' && r.url.endsWith('/onboarding/complete'))).toBe(true);
  }, 10_000);

  it('skipping goes to the status page', async () => {
    firstTimer([onboarding()]);
    const { router } = renderRoutes(routes, '/onboarding');

    await userEvent.click(await screen.findByRole('button', { name: 'Skip for now' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Status' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/admin/');
  });

  it('shows a new pre-auth key once, with the command using it', async () => {
    const key = 'hskey-auth-abc123-secretsecret';
    firstTimer([onboarding({ headscaleUser: linked, canGenerateKey: true })], {
      'POST /onboarding/preauthkey': () =>
        jsonResponse({ key, user: 'alice', expiration: '2025-01-02T11:00:00Z' }, { status: 201 }),
    });
    renderRoutes(routes, '/onboarding');

    await userEvent.click(await screen.findByRole('button', { name: 'Create a pre-auth key' }));
    const section = await screen.findByRole('region', { name: 'Connect without a browser' });
    expect(await within(section).findByText(key)).toBeInTheDocument();
    expect(section).toHaveTextContent('shown only this once');
    expect(section).toHaveTextContent(`tailscale up --login-server https://hs.example.com --authkey ${key}`);
    expect(within(section).queryByRole('button', { name: 'Create a pre-auth key' })).not.toBeInTheDocument();

    await userEvent.click(within(section).getByRole('button', { name: 'Copy pre-auth key' }));
    expect(writeText).toHaveBeenCalledWith(key);
    await waitFor(() => {
      expect(within(section).getByText('Copied')).toBeInTheDocument();
    });
  });
});
