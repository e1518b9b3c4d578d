import { queryOptions, useQuery } from '@tanstack/react-query';
import type { components } from '@/api/schema';
import { api, unwrap } from '@/lib/api';

export type LoginError = components['schemas']['ErrorBody'];

/**
 * getLoginError fetches the server's explanation of a failed sign-in, from
 * the code and detail the server put in the login page's address.
 */
export const getLoginError = (
  { code, detail }: { code: string; detail?: string },
  { signal }: { signal?: AbortSignal } = {},
): Promise<LoginError> =>
  unwrap(api.GET('/auth/login-error', { params: { query: { code, detail: detail || undefined } }, signal }));

export const getLoginErrorQueryOptions = (code: string, detail?: string) =>
  queryOptions({
    queryKey: ['login-error', code, detail ?? ''],
    queryFn: ({ signal }) => getLoginError({ code, detail }, { signal }),
    staleTime: Infinity,
  });

export const useLoginError = (code: string | null, detail?: string) =>
  useQuery({ ...getLoginErrorQueryOptions(code ?? '', detail), enabled: Boolean(code) });
