import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { components } from '@/api/schema';
import type { HeadscaleUser } from '@/features/users/api/list-headscale-users';
import { api, unwrap } from '@/lib/api';

export type CreateHeadscaleUser = components['schemas']['CreateHeadscaleUser'];

/** createHeadscaleUser creates a local Headscale user. */
export const createHeadscaleUser = (body: CreateHeadscaleUser): Promise<HeadscaleUser> =>
  unwrap(api.POST('/users', { body }));

export const useCreateHeadscaleUser = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createHeadscaleUser,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['headscale-users'] }),
  });
};
