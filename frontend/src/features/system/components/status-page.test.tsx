import { screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { Info } from '@/features/system/api/get-info';
import { StatusPage } from '@/features/system/components/status-page';
import { jsonResponse, renderWithQuery } from '@/testing/render';

const reachable: Info = {
  version: '0.1.0',
  headscale: { reachable: true, version: 'v0.29.2', publicUrl: 'https://hs.example.com' },
  signIn: { oidc: { configured: true, available: true }, apiKey: false, cookieSecure: true },
};

/** stubFetch replaces the network with answers, one per call (the last repeats). */
function stubFetch(...answers: (() => Response | Promise<Response>)[]) {
  const fetch = vi.fn(async (input: RequestInfo | URL) => {
    const url = input instanceof Request ? input.url : String(input);
    expect(new URL(url).pathname).toBe('/admin/api/v1/info');
    const answer = answers[Math.min(fetch.mock.calls.length - 1, answers.length - 1)];
    if (!answer) throw new Error('no answer stubbed');
    return answer();
  });
  vi.stubGlobal('fetch', fetch);
  return fetch;
}

function section(name: RegExp) {
  return screen.getByRole('region', { name });
}

describe('StatusPage', () => {
  it('shows Headscale as reachable with its version and public URL', async () => {
    stubFetch(() => jsonResponse(reachable));
    renderWithQuery(<StatusPage />);

    expect(screen.getByRole('heading', { level: 1, name: 'Status' })).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent(/loading/i);

    const headscale = await screen.findByRole('region', { name: 'Headscale' });
    expect(within(headscale).getByText('Reachable')).toBeInTheDocument();
    expect(within(headscale).getByText('v0.29.2')).toBeInTheDocument();
    expect(within(headscale).getByText('https://hs.example.com')).toBeInTheDocument();
    expect(within(headscale).queryByText(/unreachable/i)).not.toBeInTheDocument();

    expect(within(section(/^Headway$/)).getByText('0.1.0')).toBeInTheDocument();

    const signIn = section(/sign-in methods/i);
    expect(within(signIn).getByText('Single sign-on (OpenID Connect)').nextElementSibling).toHaveTextContent(
      'Configured',
    );
    expect(within(signIn).getByText('Headscale API key').nextElementSibling).toHaveTextContent('Not allowed');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('shows Headscale as unreachable with the reason', async () => {
    stubFetch(() =>
      jsonResponse({
        ...reachable,
        headscale: {
          reachable: false,
          publicUrl: 'https://hs.example.com',
          error: 'dial tcp 127.0.0.1:8080: connect: connection refused',
        },
        signIn: { oidc: { configured: false, available: false }, apiKey: true, cookieSecure: false },
      }),
    );
    renderWithQuery(<StatusPage />);

    const headscale = await screen.findByRole('region', { name: 'Headscale' });
    expect(within(headscale).getByText('Unreachable')).toBeInTheDocument();
    expect(within(headscale).getByText(/connection refused/)).toBeInTheDocument();
    expect(within(headscale).queryByText('Version')).not.toBeInTheDocument();

    const signIn = section(/sign-in methods/i);
    expect(within(signIn).getByText('Single sign-on (OpenID Connect)').nextElementSibling).toHaveTextContent(
      'Not configured',
    );
    expect(within(signIn).getByText('Headscale API key').nextElementSibling).toHaveTextContent('Allowed');
  });

  it("announces the server's error message and hint, and retries on request", async () => {
    const fetch = stubFetch(
      () =>
        jsonResponse(
          {
            error: {
              code: 'internal',
              message: 'Headway could not answer.',
              hint: 'Try again in a minute.',
              requestId: 'req-123',
            },
          },
          { status: 500 },
        ),
      () => jsonResponse(reachable),
    );
    renderWithQuery(<StatusPage />);

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Could not load the status');
    expect(alert).toHaveTextContent('Headway could not answer.');
    expect(alert).toHaveTextContent('Try again in a minute.');
    expect(alert).toHaveTextContent('req-123');

    await userEvent.click(within(alert).getByRole('button', { name: /try again/i }));
    expect(await screen.findByText('Reachable')).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it('explains a network failure', async () => {
    stubFetch(() => Promise.reject(new TypeError('Failed to fetch')));
    renderWithQuery(<StatusPage />);

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Could not reach Headway.');
    expect(alert).toHaveTextContent(/server is running/);
  });
});
