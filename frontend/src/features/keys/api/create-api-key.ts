import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { components } from '@/api/schema';
import { api, unwrap } from '@/lib/api';

export type NewAPIKey = components['schemas']['NewAPIKey'];

/** createAPIKey creates a Headscale API key; the full key is in this answer only. */
export const createAPIKey = (body: components['schemas']['CreateAPIKey']): Promise<NewAPIKey> =>
  unwrap(api.POST('/apikeys', { body }));

export const useCreateAPIKey = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createAPIKey,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['apiKeys'] }),
  });
};
