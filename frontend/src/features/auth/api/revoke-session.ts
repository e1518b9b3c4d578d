import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Session } from '@/features/auth/api/list-sessions';
import { signedOutUrl } from '@/features/auth/api/sign-out';
import { api, setCsrfToken, unwrap } from '@/lib/api';
import { navigateAway } from '@/lib/navigate-away';

/** revokeSession ends one of the signed-in person's sessions at once. */
export async function revokeSession({ id }: Pick<Session, 'id'>): Promise<void> {
  await unwrap(api.DELETE('/sessions/{sessionId}', { params: { path: { sessionId: id } } }));
}

/**
 * useRevokeSession revokes a session; revoking the current one signs out, so
 * the browser then loads the login page.
 */
export const useRevokeSession = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (session: Pick<Session, 'id' | 'current'>) => revokeSession(session),
    onSuccess: async (_, session) => {
      if (session.current) {
        setCsrfToken(undefined);
        navigateAway(signedOutUrl);
        return;
      }
      await queryClient.invalidateQueries({ queryKey: ['sessions'] });
    },
  });
};
