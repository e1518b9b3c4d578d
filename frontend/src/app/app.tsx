import { useState } from 'react';
import { RouterProvider, createBrowserRouter } from 'react-router';
import { AppProvider } from '@/app/provider';
import { basename, routes } from '@/app/router';

export function App() {
  const [router] = useState(() => createBrowserRouter(routes, { basename }));
  return (
    <AppProvider>
      <RouterProvider router={router} />
    </AppProvider>
  );
}
