import type { RouteObject } from 'react-router';
import { LoginRoute } from '@/app/routes/login';
import { NotFoundRoute } from '@/app/routes/not-found';
import { RequireSession } from '@/app/routes/require-session';
import { RootLayout } from '@/app/routes/root';
import { RouteError } from '@/app/routes/route-error';
import { SessionsRoute } from '@/app/routes/sessions';
import { StatusRoute } from '@/app/routes/status';

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
            element: <RequireSession />,
            children: [
              { index: true, element: <StatusRoute /> },
              { path: 'settings/sessions', element: <SessionsRoute /> },
              { path: '*', element: <NotFoundRoute /> },
            ],
          },
        ],
      },
    ],
  },
];
