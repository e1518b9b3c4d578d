import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { components } from '@/api/schema';
import type { ConsoleUser } from '@/features/iam/api/list-console-users';
import { invalidateIam } from '@/features/iam/api/invalidate';
import { api, unwrap } from '@/lib/api';

export type ConsoleUserUpdate = components['schemas']['ConsoleUserUpdate'];

/**
 * updateConsoleUser changes a console user's role (which pins it) or unpins
 * it, so that sign-ins apply the identity provider's group mapping again.
 */
export const updateConsoleUser = ({ id, ...body }: { id: string } & ConsoleUserUpdate): Promise<ConsoleUser> =>
  unwrap(api.PATCH('/console-users/{userId}', { params: { path: { userId: id } }, body }));

export const useUpdateConsoleUser = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateConsoleUser,
    onSuccess: () => invalidateIam(queryClient),
  });
};
