import { queryOptions, useQuery } from '@tanstack/react-query';
import type { components, operations } from '@/api/schema';
import { api, unwrap } from '@/lib/api';

export type PreAuthKey = components['schemas']['PreAuthKey'];
export type PreAuthKeyFilter = NonNullable<operations['listPreAuthKeys']['parameters']['query']>;

/** listPreAuthKeys fetches the pre-auth keys the caller may see, filtered by the server; keys come masked. */
export const listPreAuthKeys = (filter: PreAuthKeyFilter, { signal }: { signal?: AbortSignal } = {}): Promise<PreAuthKey[]> =>
  unwrap(api.GET('/preauthkeys', { params: { query: filter }, signal })).then((list) => list.preAuthKeys);

export const listPreAuthKeysQueryOptions = (filter: PreAuthKeyFilter) =>
  queryOptions({
    queryKey: ['preAuthKeys', 'list', filter],
    queryFn: ({ signal }) => listPreAuthKeys(filter, { signal }),
  });

export const usePreAuthKeys = (filter: PreAuthKeyFilter) => useQuery(listPreAuthKeysQueryOptions(filter));
