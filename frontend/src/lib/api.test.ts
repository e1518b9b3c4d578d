import { describe, expect, it, vi } from 'vitest';
import { ApiError, api, unwrap } from '@/lib/api';
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
      signIn: { oidc: false, apiKey: true },
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
