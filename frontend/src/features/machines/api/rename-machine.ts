import { useMutation, useQueryClient } from '@tanstack/react-query';
import { invalidateMachines } from '@/features/machines/api/invalidate';
import type { Machine } from '@/features/machines/api/list-machines';
import { api, unwrap } from '@/lib/api';

/** renameMachine gives a machine a new name, which is also its MagicDNS name. */
export const renameMachine = ({ id, name }: { id: string; name: string }): Promise<Machine> =>
  unwrap(api.POST('/machines/{machineId}/rename', { params: { path: { machineId: id } }, body: { name } }));

export const useRenameMachine = () => {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: renameMachine, onSuccess: () => invalidateMachines(queryClient) });
};
