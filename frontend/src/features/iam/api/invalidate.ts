import type { QueryClient } from '@tanstack/react-query';

/**
 * invalidateIam refreshes what a change to console users can affect: the
 * list, the Headscale users' links, and the caller's own role.
 */
export async function invalidateIam(queryClient: QueryClient): Promise<void> {
  await Promise.all([
    queryClient.invalidateQueries({ queryKey: ['console-users'] }),
    queryClient.invalidateQueries({ queryKey: ['headscale-users'] }),
    queryClient.invalidateQueries({ queryKey: ['me'] }),
  ]);
}
