import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { components } from '@/api/schema';
import type { PreAuthKey } from '@/features/keys/api/list-pre-auth-keys';
import { api, unwrap } from '@/lib/api';

export type CreatePreAuthKey = components['schemas']['CreatePreAuthKey'];

/**
 * createPreAuthKey creates a pre-auth key for a Headscale user (or a
 * tag-only one). The full key is in this answer only; nothing caches it.
 */
export const createPreAuthKey = (body: CreatePreAuthKey): Promise<PreAuthKey> =>
  unwrap(api.POST('/preauthkeys', { body }));

export const useCreatePreAuthKey = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createPreAuthKey,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['preAuthKeys'] }),
  });
};
