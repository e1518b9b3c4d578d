import { queryOptions, useQuery } from '@tanstack/react-query';
import type { components } from '@/api/schema';
import { api, unwrap } from '@/lib/api';

export type HeadscaleUser = components['schemas']['HeadscaleUser'];

/** listHeadscaleUsers fetches every Headscale user, by name, with the console user linked to each. */
export const listHeadscaleUsers = ({ signal }: { signal?: AbortSignal } = {}): Promise<HeadscaleUser[]> =>
  unwrap(api.GET('/users', { signal })).then((list) => list.users);

export const listHeadscaleUsersQueryOptions = () =>
  queryOptions({
    queryKey: ['headscale-users', 'list'],
    queryFn: ({ signal }) => listHeadscaleUsers({ signal }),
  });

export const useHeadscaleUsers = ({ enabled = true }: { enabled?: boolean } = {}) =>
  useQuery({ ...listHeadscaleUsersQueryOptions(), enabled });
