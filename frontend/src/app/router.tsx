import type { RouteObject } from 'react-router';
import { NotFoundRoute } from '@/app/routes/not-found';
import { RootLayout } from '@/app/routes/root';
import { RouteError } from '@/app/routes/route-error';
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
          { index: true, element: <StatusRoute /> },
          { path: '*', element: <NotFoundRoute /> },
        ],
      },
    ],
  },
];
