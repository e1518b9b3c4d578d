import { queryOptions, useQuery } from '@tanstack/react-query';
import { machinesRefetchInterval, type Machine } from '@/features/machines/api/list-machines';
import { api, unwrap } from '@/lib/api';

/** getMachine fetches one machine. */
export const getMachine = (id: string, { signal }: { signal?: AbortSignal } = {}): Promise<Machine> =>
  unwrap(api.GET('/machines/{machineId}', { params: { path: { machineId: id } }, signal }));

export const getMachineQueryOptions = (id: string) =>
  queryOptions({
    queryKey: ['machines', 'detail', id],
    // No abort signal: a read left behind finishes into the cache rather than being cut off.
    queryFn: () => getMachine(id),
    refetchInterval: machinesRefetchInterval,
  });

/** useMachine reads a machine and reads it again every few seconds unless poll is false. */
export const useMachine = (id: string, { poll = true }: { poll?: boolean } = {}) =>
  useQuery({ ...getMachineQueryOptions(id), refetchInterval: poll ? machinesRefetchInterval : false });
