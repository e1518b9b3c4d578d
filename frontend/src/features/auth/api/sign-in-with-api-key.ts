import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type Me, meQueryKey } from '@/features/auth/api/get-me';
import { api, setCsrfToken, unwrap } from '@/lib/api';

/**
 * signInWithApiKey starts a session with a Headscale API key. The server sets
 * the session cookie; the answer describes the new session.
 */
export async function signInWithApiKey({ apiKey }: { apiKey: string }): Promise<Me> {
  const me = await unwrap(api.POST('/auth/apikey', { body: { apiKey } }));
  setCsrfToken(me.csrfToken);
  return me;
}

export const useSignInWithApiKey = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: signInWithApiKey,
    onSuccess: (me) => {
      queryClient.setQueryData(meQueryKey, me);
      void queryClient.invalidateQueries({ queryKey: ['sessions'] });
    },
  });
};
