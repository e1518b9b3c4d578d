import { useMutation } from '@tanstack/react-query';
import type { components } from '@/api/schema';
import { isUnauthenticated } from '@/features/auth/api/get-me';
import { api, setCsrfToken, unwrap } from '@/lib/api';
import { navigateAway } from '@/lib/navigate-away';

export type SignOutResult = components['schemas']['SignOutResult'];

/** Where the browser lands after signing out, unless the identity provider takes over. */
export const signedOutUrl = '/admin/login?signed_out=1';

/**
 * signOut ends the current session. A session that had already ended counts
 * as signed out.
 */
export async function signOut(): Promise<SignOutResult> {
  try {
    return await unwrap(api.POST('/auth/logout'));
  } catch (err) {
    if (isUnauthenticated(err)) return {};
    throw err;
  } finally {
    setCsrfToken(undefined);
  }
}

/**
 * useSignOut signs out, then loads the identity provider's logout page when
 * the server names one, or the login page otherwise. Both are full page loads,
 * so nothing of the session stays in memory.
 */
export const useSignOut = () =>
  useMutation({
    mutationFn: signOut,
    onSuccess: ({ endSessionUrl }) => {
      navigateAway(endSessionUrl || signedOutUrl);
    },
  });
