import { useMutation, useQueryClient } from '@tanstack/react-query';
import { invalidateMachines } from '@/features/machines/api/invalidate';
import type { Machine } from '@/features/machines/api/list-machines';
import { api, unwrap } from '@/lib/api';

/** setMachineRoutes replaces the set of a machine's approved routes. */
export const setMachineRoutes = ({ id, routes }: { id: string; routes: string[] }): Promise<Machine> =>
  unwrap(api.PUT('/machines/{machineId}/routes', { params: { path: { machineId: id } }, body: { routes } }));

export const useSetMachineRoutes = () => {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: setMachineRoutes, onSuccess: () => invalidateMachines(queryClient) });
};
