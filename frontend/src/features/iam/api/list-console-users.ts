import { queryOptions, useQuery } from '@tanstack/react-query';
import type { components } from '@/api/schema';
import { api, unwrap } from '@/lib/api';

export type ConsoleUser = components['schemas']['ConsoleUser'];

/** listConsoleUsers fetches every console user, owner first, then by name. */
export const listConsoleUsers = ({ signal }: { signal?: AbortSignal } = {}): Promise<ConsoleUser[]> =>
  unwrap(api.GET('/console-users', { signal })).then((list) => list.users);

export const listConsoleUsersQueryOptions = () =>
  queryOptions({
    queryKey: ['console-users', 'list'],
    queryFn: ({ signal }) => listConsoleUsers({ signal }),
  });

export const useConsoleUsers = () => useQuery(listConsoleUsersQueryOptions());
