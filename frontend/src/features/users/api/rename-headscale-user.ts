import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { HeadscaleUser } from '@/features/users/api/list-headscale-users';
import { api, unwrap } from '@/lib/api';

/** renameHeadscaleUser renames a local Headscale user (not one from OIDC). */
export const renameHeadscaleUser = ({ id, name }: { id: string; name: string }): Promise<HeadscaleUser> =>
  unwrap(api.PATCH('/users/{headscaleUserId}', { params: { path: { headscaleUserId: id } }, body: { name } }));

export const useRenameHeadscaleUser = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: renameHeadscaleUser,
    // Machines show their user's name.
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: ['headscale-users'] }),
        queryClient.invalidateQueries({ queryKey: ['machines'] }),
      ]),
  });
};
