import { QueryClient } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { RouterProvider, createMemoryRouter, type RouteObject } from 'react-router';
import { AppProvider } from '@/app/provider';
import { basename } from '@/app/router';

/** testQueryClient never retries, so failures show at once. */
export function testQueryClient(): QueryClient {
  return new QueryClient({ defaultOptions: { queries: { retry: false } } });
}

/**
 * renderRoutes renders routes the way the app does, in memory, under the
 * app's basename: path is the router's path ("/login?x=1" is /admin/login?x=1).
 */
export function renderRoutes(routes: RouteObject[], path = '/') {
  const router = createMemoryRouter(routes, { initialEntries: [`${basename}${path.replace(/^\//, '')}`], basename });
  const client = testQueryClient();
  const view = render(
    <AppProvider client={client}>
      <RouterProvider router={router} />
    </AppProvider>,
  );
  return { ...view, router, client };
}

/** renderWithQuery renders a component with a fresh query client. */
export function renderWithQuery(ui: ReactNode) {
  return render(<AppProvider client={testQueryClient()}>{ui}</AppProvider>);
}

/** jsonResponse builds a JSON response as Headway's API sends it. */
export function jsonResponse(body: unknown, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers);
  headers.set('Content-Type', 'application/json');
  return new Response(JSON.stringify(body), { status: 200, ...init, headers });
}
