import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import type { components, operations } from '@/api/schema';
import { api, unwrap } from '@/lib/api';

export type Machine = components['schemas']['Machine'];
export type MachinePage = components['schemas']['MachinePage'];
export type MachineFilter = NonNullable<operations['listMachines']['parameters']['query']>;

/** How often the list is read again while on screen, so online status changes show. */
export const machinesRefetchInterval = 5_000;

/** listMachines fetches one page of machines, searched, filtered and sorted by the server. */
export const listMachines = (filter: MachineFilter, { signal }: { signal?: AbortSignal } = {}): Promise<MachinePage> =>
  unwrap(api.GET('/machines', { params: { query: filter }, signal }));

export const listMachinesQueryOptions = (filter: MachineFilter) =>
  queryOptions({
    queryKey: ['machines', 'list', filter],
    // No abort signal: a read left behind (a filter changed, the page left)
    // finishes into the cache rather than being cut off.
    queryFn: () => listMachines(filter),
    refetchInterval: machinesRefetchInterval,
    // Keep the last page on screen while the next filter's answer is on its way.
    placeholderData: keepPreviousData,
  });

export const useMachines = (filter: MachineFilter) => useQuery(listMachinesQueryOptions(filter));
