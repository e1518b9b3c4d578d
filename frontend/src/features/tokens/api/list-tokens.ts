import { queryOptions, useQuery } from '@tanstack/react-query';
import type { components } from '@/api/schema';
import { api, unwrap } from '@/lib/api';

export type Token = components['schemas']['Token'];
export type TokenList = components['schemas']['TokenList'];

/** listTokens fetches the caller's API tokens, or with all everyone's (configure_iam). */
export const listTokens = (all: boolean, { signal }: { signal?: AbortSignal } = {}): Promise<TokenList> =>
  unwrap(api.GET('/tokens', { params: { query: all ? { all: true } : {} }, signal }));

export const listTokensQueryOptions = (all: boolean) =>
  queryOptions({
    queryKey: ['tokens', 'list', { all }],
    queryFn: ({ signal }) => listTokens(all, { signal }),
  });

export const useTokens = (all: boolean) => useQuery(listTokensQueryOptions(all));
