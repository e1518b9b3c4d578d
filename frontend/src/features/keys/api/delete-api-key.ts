import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api';

/** deleteAPIKey deletes a Headscale API key (refused for Headway's own: own_api_key). */
export const deleteAPIKey = (prefix: string): Promise<void> =>
  unwrap(api.DELETE('/apikeys/{prefix}', { params: { path: { prefix } } })).then(() => undefined);

export const useDeleteAPIKey = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteAPIKey,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['apiKeys'] }),
  });
};
