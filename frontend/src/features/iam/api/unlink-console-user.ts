import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ConsoleUser } from '@/features/iam/api/list-console-users';
import { invalidateIam } from '@/features/iam/api/invalidate';
import { api, unwrap } from '@/lib/api';

/** unlinkConsoleUser removes a console user's link to their Headscale user. */
export const unlinkConsoleUser = ({ id }: { id: string }): Promise<ConsoleUser> =>
  unwrap(api.DELETE('/console-users/{userId}/link', { params: { path: { userId: id } } }));

export const useUnlinkConsoleUser = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: unlinkConsoleUser,
    onSuccess: () => invalidateIam(queryClient),
  });
};
