import { queryOptions, useQuery } from '@tanstack/react-query';
import type { components } from '@/api/schema';
import { api, unwrap } from '@/lib/api';

export type Info = components['schemas']['Info'];

/** How often the status is checked again while it is on screen. */
export const infoRefetchInterval = 15_000;

/** getInfo fetches Headway's version, Headscale's reachability and sign-in methods. */
export const getInfo = ({ signal }: { signal?: AbortSignal } = {}): Promise<Info> =>
  unwrap(api.GET('/info', { signal }));

export const getInfoQueryOptions = () =>
  queryOptions({
    queryKey: ['info'],
    queryFn: ({ signal }) => getInfo({ signal }),
    refetchInterval: infoRefetchInterval,
  });

export const useInfo = () => useQuery(getInfoQueryOptions());
