import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ConsoleUser } from '@/features/iam/api/list-console-users';
import { invalidateIam } from '@/features/iam/api/invalidate';
import { api, unwrap } from '@/lib/api';

/** transferOwnership makes another console user the owner; the caller becomes admin. */
export const transferOwnership = ({ id }: { id: string }): Promise<ConsoleUser> =>
  unwrap(api.POST('/console-users/{userId}/transfer-ownership', { params: { path: { userId: id } } }));

export const useTransferOwnership = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: transferOwnership,
    onSuccess: () => invalidateIam(queryClient),
  });
};
