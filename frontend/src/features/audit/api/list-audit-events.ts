import { infiniteQueryOptions, keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import type { components, operations } from '@/api/schema';
import { api, unwrap } from '@/lib/api';

export type AuditEvent = components['schemas']['AuditEvent'];
export type AuditEventPage = components['schemas']['AuditEventPage'];
export type AuditResult = components['schemas']['AuditResult'];
type ListQuery = NonNullable<operations['listAuditEvents']['parameters']['query']>;
/** AuditFilter is what narrows the events: everything but the page. */
export type AuditFilter = Omit<ListQuery, 'cursor' | 'limit'>;

/** How many events a page holds. */
export const auditPageSize = 50;

/** listAuditEvents fetches one page of events matching filter, newest first. */
export const listAuditEvents = (query: ListQuery, { signal }: { signal?: AbortSignal } = {}): Promise<AuditEventPage> =>
  unwrap(api.GET('/audit/events', { params: { query }, signal }));

export const listAuditEventsQueryOptions = (filter: AuditFilter) =>
  infiniteQueryOptions({
    queryKey: ['audit', 'list', filter],
    queryFn: ({ pageParam, signal }) =>
      listAuditEvents({ ...filter, cursor: pageParam, limit: auditPageSize }, { signal }),
    initialPageParam: undefined as string | undefined,
    // The last page has no nextCursor.
    getNextPageParam: (last) => last.nextCursor || undefined,
    // Keep the events on screen while a changed filter's answer is on its way.
    placeholderData: keepPreviousData,
  });

/** useAuditEvents reads the events page by page ("Load more" fetches the next). */
export const useAuditEvents = (filter: AuditFilter) => useInfiniteQuery(listAuditEventsQueryOptions(filter));
