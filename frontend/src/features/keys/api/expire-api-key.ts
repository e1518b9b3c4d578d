import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api';

/** expireAPIKey expires a Headscale API key now (refused for Headway's own: own_api_key). */
export const expireAPIKey = (prefix: string): Promise<void> =>
  unwrap(api.POST('/apikeys/{prefix}/expire', { params: { path: { prefix } } })).then(() => undefined);

export const useExpireAPIKey = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: expireAPIKey,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['apiKeys'] }),
  });
};
