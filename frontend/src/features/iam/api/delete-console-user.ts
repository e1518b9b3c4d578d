import { useMutation, useQueryClient } from '@tanstack/react-query';
import { invalidateIam } from '@/features/iam/api/invalidate';
import { api, unwrap } from '@/lib/api';

/** deleteConsoleUser deletes a console user and ends their sessions. */
export async function deleteConsoleUser({ id }: { id: string }): Promise<void> {
  await unwrap(api.DELETE('/console-users/{userId}', { params: { path: { userId: id } } }));
}

export const useDeleteConsoleUser = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteConsoleUser,
    onSuccess: () => invalidateIam(queryClient),
  });
};
