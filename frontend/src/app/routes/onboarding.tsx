import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { needsOnboarding, useMe } from '@/features/auth/api/get-me';
import { OnboardingPage } from '@/features/onboarding/components/onboarding-page';
import { routerPath, safeReturnTo } from '@/lib/return-to';

/**
 * OnboardingRoute runs onboarding, then returns to where the person was
 * going (return_to, a path under /admin/), or the status page.
 */
export function OnboardingRoute() {
  const [params] = useSearchParams();
  const returnTo = routerPath(safeReturnTo(params.get('return_to')));
  const me = useMe();
  const navigate = useNavigate();

  if (me.data && !needsOnboarding(me.data)) return <Navigate to={leaveOnboarding(returnTo)} replace />;
  return (
    <OnboardingPage
      onFinished={() => {
        void navigate(leaveOnboarding(returnTo), { replace: true });
      }}
    />
  );
}

/** leaveOnboarding never returns to onboarding itself. */
function leaveOnboarding(path: string): string {
  return path === '/onboarding' || path.startsWith('/onboarding?') ? '/' : path;
}
