import { queryOptions, useQuery } from '@tanstack/react-query';
import type { components } from '@/api/schema';
import { api, unwrap } from '@/lib/api';

export type Session = components['schemas']['Session'];

/** listSessions fetches the signed-in person's live sessions, newest first. */
export const listSessions = ({ signal }: { signal?: AbortSignal } = {}): Promise<Session[]> =>
  unwrap(api.GET('/sessions', { signal })).then((list) => list.sessions);

export const listSessionsQueryOptions = () =>
  queryOptions({
    queryKey: ['sessions'],
    queryFn: ({ signal }) => listSessions({ signal }),
  });

export const useSessions = () => useQuery(listSessionsQueryOptions());
