import { Suspense, lazy } from 'react';
import type { RouteObject } from 'react-router';
import { DNSRoute } from '@/app/routes/dns';
import { HeadscaleUsersRoute } from '@/app/routes/headscale-users';
import { KeysRoute } from '@/app/routes/keys';
import { LoginRoute } from '@/app/routes/login';
import { MachineRoute, MachinesRoute } from '@/app/routes/machines';
import { NotFoundRoute } from '@/app/routes/not-found';
import { OnboardingRoute } from '@/app/routes/onboarding';
import { RequireAccess } from '@/app/routes/require-access';
import { RequireSession } from '@/app/routes/require-session';
import { RootLayout } from '@/app/routes/root';
import { RouteError } from '@/app/routes/route-error';
import { SessionsRoute } from '@/app/routes/sessions';
import { StatusRoute } from '@/app/routes/status';
import { UsersRoute } from '@/app/routes/users';

// The API reference is loaded on demand: it brings a YAML parser that no
// other page needs.
const ApiDocsRoute = lazy(() => import('@/app/routes/api-docs').then((m) => ({ default: m.ApiDocsRoute })));
// So is the policy page: it brings the code editor.
const PolicyRoute = lazy(() => import('@/app/routes/policy').then((m) => ({ default: m.PolicyRoute })));

/** The SPA is served under /admin/ (trailing slash, so links home land on /admin/). */
export const basename = '/admin/';

export const routes: RouteObject[] = [
  {
    element: <RootLayout />,
    children: [
      {
        errorElement: <RouteError />,
        children: [
          { path: 'login', element: <LoginRoute /> },
          {
            path: 'api/docs',
            element: (
              <Suspense
                fallback={
                  <p role="status" className="muted">
                    Loading the API reference…
                  </p>
                }
              >
                <ApiDocsRoute />
              </Suspense>
            ),
          },
          {
            element: <RequireSession />,
            children: [
              { path: 'onboarding', element: <OnboardingRoute /> },
              {
                element: <RequireAccess />,
                children: [
                  { index: true, element: <StatusRoute /> },
                  { path: 'machines', element: <MachinesRoute /> },
                  { path: 'machines/:machineId', element: <MachineRoute /> },
                  { path: 'headscale-users', element: <HeadscaleUsersRoute /> },
                  { path: 'keys', element: <KeysRoute /> },
                  {
                    path: 'policy',
                    element: (
                      <Suspense
                        fallback={
                          <p role="status" className="muted">
                            Loading the policy editor…
                          </p>
                        }
                      >
                        <PolicyRoute />
                      </Suspense>
                    ),
                  },
                  { path: 'dns', element: <DNSRoute /> },
                  { path: 'settings/users', element: <UsersRoute /> },
                  { path: 'settings/sessions', element: <SessionsRoute /> },
                  { path: '*', element: <NotFoundRoute /> },
                ],
              },
            ],
          },
        ],
      },
    ],
  },
];
