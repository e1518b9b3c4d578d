import { screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { routes } from '@/app/router';
import { apiError, apiKeyMe, info, stubApi, unauthenticated } from '@/testing/api';
import { jsonResponse, renderRoutes } from '@/testing/render';

vi.mock('@/lib/navigate-away', () => ({ navigateAway: vi.fn() }));

const anonymous = (signIn?: Parameters<typeof info>[0]) =>
  stubApi({
    'GET /me': unauthenticated,
    'GET /info': () => jsonResponse(info(signIn)),
  });

async function loginPage(path = '/login') {
  const view = renderRoutes(routes, path);
  await screen.findByRole('heading', { level: 1, name: 'Sign in to Headway' });
  // The sign-in methods load with /info.
  await screen.findByRole('region', { name: 'Headscale' });
  await within(screen.getByRole('region', { name: 'Headscale' })).findByText('Reachable');
  return view;
}

describe('login page', () => {
  it("shows Headscale's status and offers single sign-on and an API key", async () => {
    anonymous();
    await loginPage('/login?return_to=%2Fadmin%2Fsettings%2Fsessions');

    const headscale = screen.getByRole('region', { name: 'Headscale' });
    expect(within(headscale).getByText('v0.29.2')).toBeInTheDocument();

    const sso = await screen.findByRole('link', { name: 'Sign in with single sign-on' });
    expect(sso).toHaveAttribute('href', '/admin/oidc/start?return_to=%2Fadmin%2Fsettings%2Fsessions');

    const key = screen.getByLabelText('Headscale API key');
    expect(key).toHaveAttribute('type', 'password');
    expect(screen.getByRole('button', { name: 'Sign in with API key' })).toBeEnabled();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(screen.queryByText(/marked Secure/)).not.toBeInTheDocument();
  });

  it('never returns to another site', async () => {
    anonymous();
    await loginPage('/login?return_to=https%3A%2F%2Fevil.example%2Fadmin%2F');
    expect(await screen.findByRole('link', { name: 'Sign in with single sign-on' })).toHaveAttribute(
      'href',
      '/admin/oidc/start?return_to=%2Fadmin%2F',
    );
  });

  it('explains why single sign-on is unavailable', async () => {
    anonymous({
      oidc: {
        configured: true,
        available: false,
        error: {
          code: 'oidc_unavailable',
          message: 'The identity provider at https://id.example.com did not answer.',
          hint: 'Check oidc.issuer and that the provider is running.',
        },
      },
    });
    await loginPage();

    expect(await screen.findByText('Single sign-on is unavailable')).toBeInTheDocument();
    expect(screen.getByText('The identity provider at https://id.example.com did not answer.')).toBeInTheDocument();
    expect(screen.getByText('Check oidc.issuer and that the provider is running.')).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: /single sign-on/i })).not.toBeInTheDocument();
  });

  it('offers no API-key form when API keys are not allowed', async () => {
    anonymous({ apiKey: false });
    await loginPage();

    expect(await screen.findByRole('link', { name: 'Sign in with single sign-on' })).toBeInTheDocument();
    expect(screen.queryByLabelText('Headscale API key')).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /api key/i })).not.toBeInTheDocument();
  });

  it('offers no single sign-on when it is not configured', async () => {
    anonymous({ oidc: { configured: false, available: false } });
    await loginPage();

    expect(await screen.findByLabelText('Headscale API key')).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: /single sign-on/i })).not.toBeInTheDocument();
    expect(screen.queryByText(/unavailable/)).not.toBeInTheDocument();
  });

  it('warns when Secure cookies meet a page served over HTTP', async () => {
    expect(window.location.protocol).toBe('http:');
    anonymous({ cookieSecure: true });
    await loginPage();

    const note = await screen.findByRole('note');
    expect(note).toHaveTextContent(
      'cookies are marked Secure but this page is served over HTTP: the browser will drop them — serve over HTTPS or set server.cookie_secure: false',
    );
  });

  it("shows the server's explanation of a failed sign-in, never the link's text", async () => {
    const { requests } = stubApi({
      'GET /me': unauthenticated,
      'GET /info': () => jsonResponse(info()),
      'GET /auth/login-error': () =>
        jsonResponse({
          code: 'oidc_state_mismatch',
          message: 'The sign-in took too long or was started in another browser.',
          hint: 'Start again from this page.',
        }),
    });
    await loginPage('/login?error=oidc_state_mismatch&detail=Pwned%20by%20link');

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Sign-in failed');
    expect(alert).toHaveTextContent('The sign-in took too long or was started in another browser.');
    expect(alert).toHaveTextContent('Start again from this page.');
    expect(screen.queryByText(/Pwned/)).not.toBeInTheDocument();

    const lookup = requests.find((r) => r.url.includes('/auth/login-error'));
    expect(lookup && new URL(lookup.url).searchParams.get('code')).toBe('oidc_state_mismatch');
    expect(lookup && new URL(lookup.url).searchParams.get('detail')).toBe('Pwned by link');
  });

  it('says the person is signed out, and does not start single sign-on', async () => {
    const { requests } = anonymous();
    await loginPage('/login?signed_out=1');

    expect(screen.getByRole('status')).toHaveTextContent('You are signed out.');
    expect(await screen.findByRole('link', { name: 'Sign in with single sign-on' })).toBeInTheDocument();
    expect(requests.every((r) => !r.url.includes('/oidc/'))).toBe(true);
  });

  it('signs in with an API key and goes on to the return path', async () => {
    let signedIn = false;
    const { requests } = stubApi({
      'GET /me': () => (signedIn ? jsonResponse(apiKeyMe) : unauthenticated()),
      'GET /info': () => jsonResponse(info()),
      'POST /auth/apikey': () => {
        signedIn = true;
        return jsonResponse(apiKeyMe);
      },
      'GET /sessions': () => jsonResponse({ sessions: [apiKeyMe.session] }),
    });
    const { router } = await loginPage('/login?return_to=%2Fadmin%2Fsettings%2Fsessions');

    await userEvent.type(screen.getByLabelText('Headscale API key'), 'hskey-api-abcdefghijkl-secret');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in with API key' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Sessions' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/admin/settings/sessions');
    expect(screen.getByRole('banner')).toHaveTextContent('API key hskey-api-abcdefghijkl…');

    const post = requests.find((r) => r.method === 'POST');
    expect(await post?.json()).toEqual({ apiKey: 'hskey-api-abcdefghijkl-secret' });
  });

  it("shows the server's message beside the field for a bad key, and blocks resubmission while pending", async () => {
    let answer: (r: Response) => void = () => undefined;
    const { fetch } = stubApi({
      'GET /me': unauthenticated,
      'GET /info': () => jsonResponse(info()),
      'POST /auth/apikey': () =>
        new Promise<Response>((resolve) => {
          answer = resolve;
        }),
    });
    await loginPage();

    const field = screen.getByLabelText('Headscale API key');
    await userEvent.type(field, 'hskey-api-wrong');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in with API key' }));

    const pending = screen.getByRole('button', { name: 'Signing in…' });
    expect(pending).toBeDisabled();
    await userEvent.click(pending);
    expect(fetch.mock.calls.filter(([r]) => (r as Request).method === 'POST')).toHaveLength(1);

    answer(
      apiError(401, 'api_key_unknown', 'Headscale does not know this API key.', 'Create one with headscale apikeys create.'),
    );
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Headscale does not know this API key.');
    expect(alert).toHaveTextContent('Create one with headscale apikeys create.');
    expect(field).toHaveAttribute('aria-invalid', 'true');
    expect(field).toHaveAccessibleDescription(expect.stringContaining('Headscale does not know this API key.'));
    expect(screen.getByRole('button', { name: 'Sign in with API key' })).toBeEnabled();
  });

  it('shows errors that are not about the key for the whole form', async () => {
    stubApi({
      'GET /me': unauthenticated,
      'GET /info': () => jsonResponse(info()),
      'POST /auth/apikey': () =>
        apiError(502, 'headscale_unavailable', 'Headscale did not answer.', 'Check that Headscale is running.'),
    });
    await loginPage();

    const field = screen.getByLabelText('Headscale API key');
    await userEvent.type(field, 'hskey-api-x');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in with API key' }));

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Could not sign in');
    expect(alert).toHaveTextContent('Headscale did not answer.');
    expect(alert).toHaveTextContent('Check that Headscale is running.');
    expect(field).not.toHaveAttribute('aria-invalid');
  });

  it('sends a signed-in person on to the return path', async () => {
    stubApi({
      'GET /me': () => jsonResponse(apiKeyMe),
      'GET /info': () => jsonResponse(info()),
      'GET /sessions': () => jsonResponse({ sessions: [apiKeyMe.session] }),
    });
    const { router } = renderRoutes(routes, '/login?return_to=%2Fadmin%2Fsettings%2Fsessions');
    expect(await screen.findByRole('heading', { level: 1, name: 'Sessions' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/admin/settings/sessions');
  });
});
