import { Link, Navigate, useNavigate, useSearchParams } from 'react-router';
import { ErrorAlert } from '@/components/ui/error-alert';
import { useMe } from '@/features/auth/api/get-me';
import { LoginError, SignedOutNotice } from '@/features/auth/components/login-notices';
import { SignInOptions } from '@/features/auth/components/sign-in-options';
import { useInfo } from '@/features/system/api/get-info';
import { HeadscaleSummary } from '@/features/system/components/headscale-summary';
import { routerPath, safeReturnTo } from '@/lib/return-to';

/**
 * LoginRoute is the public sign-in page. It never starts single sign-on on its
 * own (after signing out that would sign straight back in): only a click does.
 */
export function LoginRoute() {
  const [params] = useSearchParams();
  const returnTo = safeReturnTo(params.get('return_to'));
  const errorCode = params.get('error');
  const signedOut = params.get('signed_out') === '1';
  const me = useMe();
  const info = useInfo();
  const navigate = useNavigate();

  // Signed in already (or just now): on to where the person was going.
  if (me.status === 'success') return <Navigate to={routerPath(returnTo)} replace />;

  return (
    <div className="page page--narrow">
      <title>Sign in · Headway</title>
      <h1>Sign in to Headway</h1>
      <p className="muted">The web console for this Headscale.</p>
      <HeadscaleSummary />
      {signedOut && !errorCode && <SignedOutNotice />}
      {errorCode && <LoginError code={errorCode} detail={params.get('detail') ?? undefined} />}
      {info.isPending ? (
        <p role="status" className="muted">
          Loading the ways to sign in…
        </p>
      ) : (
        <>
          {info.isError && !info.data && (
            <ErrorAlert title="Could not load the ways to sign in" error={info.error} />
          )}
          <SignInOptions
            signIn={info.data?.signIn}
            returnTo={returnTo}
            onSignedIn={() => {
              void navigate(routerPath(returnTo), { replace: true });
            }}
          />
        </>
      )}
      <footer className="page-footer">
        <p className="muted">
          For scripts and integrations: the <Link to="/api/docs">API reference</Link>.
        </p>
      </footer>
    </div>
  );
}
