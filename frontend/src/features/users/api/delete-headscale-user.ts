import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api';

/** deleteHeadscaleUser deletes a Headscale user that has no machines left. */
export async function deleteHeadscaleUser({ id }: { id: string }): Promise<void> {
  await unwrap(api.DELETE('/users/{headscaleUserId}', { params: { path: { headscaleUserId: id } } }));
}

export const useDeleteHeadscaleUser = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteHeadscaleUser,
    // A linked console user loses the link.
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: ['headscale-users'] }),
        queryClient.invalidateQueries({ queryKey: ['machines'] }),
        queryClient.invalidateQueries({ queryKey: ['console-users'] }),
      ]),
  });
};
