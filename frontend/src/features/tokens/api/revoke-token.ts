import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api';

/** revokeToken makes a token stop working at once. */
export const revokeToken = (tokenId: string): Promise<void> =>
  unwrap(api.DELETE('/tokens/{tokenId}', { params: { path: { tokenId } } })).then(() => undefined);

export const useRevokeToken = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: revokeToken,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['tokens'] }),
  });
};
