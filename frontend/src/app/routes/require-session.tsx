import { Navigate, Outlet, useHref, useLocation } from 'react-router';
import { ErrorAlert } from '@/components/ui/error-alert';
import { isUnauthenticated, needsOnboarding, useMe } from '@/features/auth/api/get-me';

/** The onboarding page's router path. */
export const onboardingPath = '/onboarding';

/**
 * RequireSession guards the signed-in area: without a session it sends the
 * person to the login page, which brings them back here afterwards; a
 * first-time single sign-on user goes through onboarding first, which also
 * brings them back.
 */
export function RequireSession() {
  const me = useMe();
  const location = useLocation();
  // The full path under /admin/, as the server and the login page expect it.
  const here = useHref({ pathname: location.pathname, search: location.search, hash: location.hash });

  if (me.isError && isUnauthenticated(me.error)) {
    return <Navigate to={`/login?return_to=${encodeURIComponent(here)}`} replace />;
  }
  if (me.isPending) {
    return (
      <div className="page">
        <p role="status" className="muted">
          Checking your session…
        </p>
      </div>
    );
  }
  if (me.isError && !me.data) {
    return (
      <div className="page">
        <title>Error · Headway</title>
        <h1>Could not check your session</h1>
        <ErrorAlert
          title="Headway did not say who you are"
          error={me.error}
          onRetry={() => void me.refetch()}
          retrying={me.isFetching}
        />
      </div>
    );
  }
  if (needsOnboarding(me.data) && location.pathname !== onboardingPath) {
    return <Navigate to={`${onboardingPath}?return_to=${encodeURIComponent(here)}`} replace />;
  }
  return <Outlet />;
}
