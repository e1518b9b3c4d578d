import { type ReactNode, Suspense, lazy } from 'react';
import type { RouteObject } from 'react-router';
import { DiagnosticsRoute } from '@/app/routes/diagnostics';
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
import { SettingsIndex, SettingsLayout } from '@/app/routes/settings';
import { StatusRoute } from '@/app/routes/status';
import { TokensRoute } from '@/app/routes/tokens';
import { UsersRoute } from '@/app/routes/users';

// The API reference is loaded on demand: it brings a YAML parser that no
// other page needs.
const ApiDocsRoute = lazy(() => import('@/app/routes/api-docs').then((m) => ({ default: m.ApiDocsRoute })));
// So is the policy page: it brings the code editor.
const PolicyRoute = lazy(() => import('@/app/routes/policy').then((m) => ({ default: m.PolicyRoute })));
// And the audit log, which few people open.
const AuditRoute = lazy(() => import('@/app/routes/audit').then((m) => ({ default: m.AuditRoute })));

/** onDemand shows a page loaded on demand, saying what is loading meanwhile. */
function onDemand(page: ReactNode, loading: string) {
  return (
    <Suspense
      fallback={
        <p role="status" className="muted">
          {loading}
        </p>
      }
    >
      {page}
    </Suspense>
  );
}

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
          { path: 'api/docs', element: onDemand(<ApiDocsRoute />, 'Loading the API reference…') },
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
                  { path: 'policy', element: onDemand(<PolicyRoute />, 'Loading the policy editor…') },
                  { path: 'dns', element: <DNSRoute /> },
                  { path: 'audit', element: onDemand(<AuditRoute />, 'Loading the audit log…') },
                  {
                    path: 'settings',
                    element: <SettingsLayout />,
                    children: [
                      { index: true, element: <SettingsIndex /> },
                      { path: 'users', element: <UsersRoute /> },
                      { path: 'sessions', element: <SessionsRoute /> },
                      { path: 'tokens', element: <TokensRoute /> },
                      { path: 'diagnostics', element: <DiagnosticsRoute /> },
                    ],
                  },
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
