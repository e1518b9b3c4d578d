import { queryOptions, useQuery } from '@tanstack/react-query';
import type { components } from '@/api/schema';
import { api, unwrap } from '@/lib/api';

export type Policy = components['schemas']['Policy'];

/** getPolicy fetches the ACL policy (HuJSON) and its version. */
export const getPolicy = ({ signal }: { signal?: AbortSignal } = {}): Promise<Policy> =>
  unwrap(api.GET('/policy', { signal }));

export const getPolicyQueryOptions = () =>
  queryOptions({
    queryKey: ['policy', 'detail'],
    queryFn: ({ signal }) => getPolicy({ signal }),
    // The editor keeps the version it started from; reading again behind its
    // back would change nothing on screen.
    refetchOnWindowFocus: false,
  });

export const usePolicy = () => useQuery(getPolicyQueryOptions());
