import { QueryClient } from '@tanstack/react-query';
import { ApiError } from '@/lib/api';

/** newQueryClient returns the app's QueryClient: retry only what may pass on its own. */
export function newQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        retry: (failures, error) => {
          if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
          return failures < 2;
        },
      },
    },
  });
}
