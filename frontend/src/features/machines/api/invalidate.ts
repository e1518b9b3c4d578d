import type { QueryClient } from '@tanstack/react-query';

/**
 * invalidateMachines refreshes what a change to a machine can affect: the
 * machines (lists and details) and the Headscale users' machine counts.
 * except names a machine not to read again (one just deleted).
 */
export async function invalidateMachines(queryClient: QueryClient, except?: string): Promise<void> {
  await Promise.all([
    queryClient.invalidateQueries({
      queryKey: ['machines'],
      predicate: (query) => !(except !== undefined && query.queryKey[1] === 'detail' && query.queryKey[2] === except),
    }),
    queryClient.invalidateQueries({ queryKey: ['headscale-users'] }),
  ]);
}
