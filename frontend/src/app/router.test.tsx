import { screen } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { routes } from '@/app/router';
import { jsonResponse, renderRoutes } from '@/testing/render';

describe('routes', () => {
  it('shows a not-found page with a way home for unknown paths', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(() =>
        Promise.resolve(
          jsonResponse({
            version: '0.1.0',
            headscale: { reachable: true, version: 'v0.29.2', publicUrl: 'https://hs.example.com' },
            signIn: { oidc: true, apiKey: true },
          }),
        ),
      ),
    );
    renderRoutes(routes, '/some/deep/route');

    expect(screen.getByRole('banner')).toHaveTextContent('Headway');
    expect(screen.getByRole('heading', { level: 1, name: 'Page not found' })).toBeInTheDocument();
    expect(screen.getByText('/some/deep/route')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('link', { name: /go to the status page/i }));
    expect(screen.getByRole('heading', { level: 1, name: 'Status' })).toBeInTheDocument();
    expect(await screen.findByText('Reachable')).toBeInTheDocument();
    expect(screen.getByRole('main')).toHaveFocus();
  });
});
