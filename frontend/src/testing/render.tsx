import { QueryClient } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { RouterProvider, createMemoryRouter, type RouteObject } from 'react-router';
import { AppProvider } from '@/app/provider';

/** testQueryClient never retries, so failures show at once. */
export function testQueryClient(): QueryClient {
  return new QueryClient({ defaultOptions: { queries: { retry: false } } });
}

/** renderRoutes renders routes at a path the way the app does, in memory. */
export function renderRoutes(routes: RouteObject[], path = '/') {
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  return render(
    <AppProvider client={testQueryClient()}>
      <RouterProvider router={router} />
    </AppProvider>,
  );
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
