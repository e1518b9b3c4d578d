import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ConsoleUser } from '@/features/iam/api/list-console-users';
import { invalidateIam } from '@/features/iam/api/invalidate';
import { api, unwrap } from '@/lib/api';

/** linkConsoleUser links a console user to a Headscale user nobody else has claimed. */
export const linkConsoleUser = ({ id, headscaleUserId }: { id: string; headscaleUserId: string }): Promise<ConsoleUser> =>
  unwrap(api.PUT('/console-users/{userId}/link', { params: { path: { userId: id } }, body: { headscaleUserId } }));

export const useLinkConsoleUser = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: linkConsoleUser,
    onSuccess: () => invalidateIam(queryClient),
  });
};
