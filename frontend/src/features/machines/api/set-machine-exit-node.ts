import { useMutation, useQueryClient } from '@tanstack/react-query';
import { invalidateMachines } from '@/features/machines/api/invalidate';
import type { Machine } from '@/features/machines/api/list-machines';
import { api, unwrap } from '@/lib/api';

/** setMachineExitNode approves (or withdraws) a machine as an exit node. */
export const setMachineExitNode = ({ id, enabled }: { id: string; enabled: boolean }): Promise<Machine> =>
  unwrap(api.PUT('/machines/{machineId}/exit-node', { params: { path: { machineId: id } }, body: { enabled } }));

export const useSetMachineExitNode = () => {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: setMachineExitNode, onSuccess: () => invalidateMachines(queryClient) });
};
