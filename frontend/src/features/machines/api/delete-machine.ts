import { useMutation, useQueryClient } from '@tanstack/react-query';
import { invalidateMachines } from '@/features/machines/api/invalidate';
import { api, unwrap } from '@/lib/api';

/** deleteMachine deletes a machine; it must register again to come back. */
export async function deleteMachine({ id }: { id: string }): Promise<void> {
  await unwrap(api.DELETE('/machines/{machineId}', { params: { path: { machineId: id } } }));
}

export const useDeleteMachine = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteMachine,
    // The deleted machine's own page is left, not read again (it would answer 404).
    onSuccess: (_, { id }) => invalidateMachines(queryClient, id),
  });
};
