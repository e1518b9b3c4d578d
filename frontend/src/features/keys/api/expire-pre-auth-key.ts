import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '@/lib/api';

/** expirePreAuthKey expires a pre-auth key now: no machine can join with it any more. */
export const expirePreAuthKey = (id: string): Promise<void> =>
  unwrap(api.POST('/preauthkeys/{preAuthKeyId}/expire', { params: { path: { preAuthKeyId: id } } })).then(() => undefined);

export const useExpirePreAuthKey = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: expirePreAuthKey,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['preAuthKeys'] }),
  });
};
