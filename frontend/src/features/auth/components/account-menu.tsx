import { type Me, displayName } from '@/features/auth/api/get-me';
import { SignOutButton } from '@/features/auth/components/sign-out-button';
import { roleLabel } from '@/lib/roles';

/**
 * AccountMenu shows who is signed in, with their role, and signs them out
 * (unless the page offers that itself: withSignOut false).
 */
export function AccountMenu({ me, withSignOut = true }: { me: Me; withSignOut?: boolean }) {
  return (
    <div className="account">
      <p className="account__who">
        <span className="visually-hidden">Signed in as </span>
        <span className="account__name">{displayName(me)}</span>
        {me.user && (
          <>
            <span className="visually-hidden">, role </span>
            <span className="badge account__role">{roleLabel(me.user.role)}</span>
          </>
        )}
      </p>
      {withSignOut && <SignOutButton small />}
    </div>
  );
}
