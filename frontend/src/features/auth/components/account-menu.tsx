import { type Me, displayName } from '@/features/auth/api/get-me';
import { useSignOut } from '@/features/auth/api/sign-out';

/** AccountMenu shows who is signed in and signs them out. */
export function AccountMenu({ me }: { me: Me }) {
  const signOut = useSignOut();
  // After success the browser is already loading another page.
  const busy = signOut.isPending || signOut.isSuccess;
  return (
    <div className="account">
      <p className="account__who">
        <span className="visually-hidden">Signed in as </span>
        <span className="account__name">{displayName(me)}</span>
      </p>
      <button
        type="button"
        className="button button--secondary button--small"
        onClick={() => {
          signOut.mutate();
        }}
        disabled={busy}
      >
        {busy ? 'Signing out…' : 'Sign out'}
      </button>
      {signOut.isError && (
        <p role="alert" className="account__error">
          Could not sign out: {signOut.error.message}
        </p>
      )}
    </div>
  );
}
