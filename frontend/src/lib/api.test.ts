import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, api, onUnauthorized, setCsrfToken, unwrap } from '@/lib/api';
import { jsonResponse } from '@/testing/render';

async function callError(response: Response | Error): Promise<ApiError> {
  vi.stubGlobal(
    'fetch',
    vi.fn(() => (response instanceof Error ? Promise.reject(response) : Promise.resolve(response))),
  );
  try {
    await unwrap(api.GET('/info'));
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return err as ApiError;
  }
  throw new Error('the call did not fail');
}

describe('unwrap', () => {
  it('returns the data of a successful call', async () => {
    const info = {
      version: '0.1.0',
      headscale: { reachable: true, publicUrl: 'https://hs.example.com' },
      signIn: { oidc: { configured: false, available: false }, apiKey: true, cookieSecure: false },
    };
    vi.stubGlobal('fetch', vi.fn(() => Promise.resolve(jsonResponse(info))));
    await expect(unwrap(api.GET('/info'))).resolves.toEqual(info);
  });

  it("reads the contract's error shape", async () => {
    const err = await callError(
      jsonResponse(
        { error: { code: 'forbidden', message: 'You may not.', hint: 'Ask an admin.', requestId: 'r1' } },
        { status: 403 },
      ),
    );
    expect(err).toMatchObject({
      status: 403,
      code: 'forbidden',
      message: 'You may not.',
      hint: 'Ask an admin.',
      requestId: 'r1',
    });
  });

  it('takes the request id from the header when the body has none', async () => {
    const err = await callError(
      jsonResponse({ error: { code: 'not_found', message: 'No such node.' } }, {
        status: 404,
        headers: { 'X-Request-Id': 'hdr-1' },
      }),
    );
    expect(err).toMatchObject({ status: 404, code: 'not_found', requestId: 'hdr-1', hint: undefined });
  });

  it('explains an answer in another shape', async () => {
    const err = await callError(
      new Response('<html>Bad Gateway</html>', { status: 502, statusText: 'Bad Gateway' }),
    );
    expect(err).toMatchObject({ status: 502, code: 'unexpected_response' });
    expect(err.message).toContain('502 Bad Gateway');
    expect(err.hint).toBeTruthy();
  });

  it('reports a network failure', async () => {
    const err = await callError(new TypeError('Failed to fetch'));
    expect(err).toMatchObject({ status: 0, code: 'network_error', message: 'Could not reach Headway.' });
    expect(err.cause).toBeInstanceOf(TypeError);
  });
});

describe('session middleware', () => {
  afterEach(() => {
    setCsrfToken(undefined);
  });

  function captureRequests(status = 200) {
    const requests: Request[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn((request: Request) => {
        requests.push(request);
        return Promise.resolve(
          status === 200
            ? jsonResponse({ sessions: [] })
            : jsonResponse({ error: { code: 'unauthenticated', message: 'Not signed in.' } }, { status }),
        );
      }),
    );
    return requests;
  }

  it('sends the CSRF token on unsafe methods only', async () => {
    const requests = captureRequests();
    setCsrfToken('tok-123');

    await unwrap(api.GET('/sessions'));
    await api.POST('/auth/logout');
    await api.DELETE('/sessions/{sessionId}', { params: { path: { sessionId: 's1' } } });

    expect(requests.map((r) => [r.method, r.headers.get('X-CSRF-Token')])).toEqual([
      ['GET', null],
      ['POST', 'tok-123'],
      ['DELETE', 'tok-123'],
    ]);
  });

  it('sends no CSRF header without a session', async () => {
    const requests = captureRequests();
    await api.POST('/auth/apikey', { body: { apiKey: 'k' } });
    expect(requests[0]?.headers.has('X-CSRF-Token')).toBe(false);
  });

  it('reports a 401 from ordinary calls, not from /me or sign-in', async () => {
    captureRequests(401);
    const listener = vi.fn();
    const stop = onUnauthorized(listener);
    try {
      await api.GET('/me');
      await api.POST('/auth/apikey', { body: { apiKey: 'k' } });
      expect(listener).not.toHaveBeenCalled();
      await api.GET('/sessions');
      expect(listener).toHaveBeenCalledTimes(1);
    } finally {
      stop();
    }
    await api.GET('/sessions');
    expect(listener).toHaveBeenCalledTimes(1);
  });
});
