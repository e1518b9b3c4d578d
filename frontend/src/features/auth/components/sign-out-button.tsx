import { useSignOut } from '@/features/auth/api/sign-out';

/** SignOutButton signs out and reports a failure next to itself. */
export function SignOutButton({ small = false }: { small?: boolean }) {
  const signOut = useSignOut();
  // After success the browser is already loading another page.
  const busy = signOut.isPending || signOut.isSuccess;
  return (
    <>
      <button
        type="button"
        className={small ? 'button button--secondary button--small' : 'button button--secondary'}
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
    </>
  );
}
