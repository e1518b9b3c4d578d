import { useMutation, useQueryClient } from '@tanstack/react-query';
import { invalidateMachines } from '@/features/machines/api/invalidate';
import type { Machine } from '@/features/machines/api/list-machines';
import { api, unwrap } from '@/lib/api';

/** setMachineTags replaces a machine's ACL tags. */
export const setMachineTags = ({ id, tags }: { id: string; tags: string[] }): Promise<Machine> =>
  unwrap(api.PUT('/machines/{machineId}/tags', { params: { path: { machineId: id } }, body: { tags } }));

export const useSetMachineTags = () => {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: setMachineTags, onSuccess: () => invalidateMachines(queryClient) });
};
