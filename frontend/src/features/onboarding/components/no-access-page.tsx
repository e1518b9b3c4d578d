import type { ReactNode } from 'react';
import { ErrorAlert } from '@/components/ui/error-alert';
import { useOnboarding } from '@/features/onboarding/api/get-onboarding';
import { roleLabel } from '@/lib/roles';

/**
 * NoAccessPage tells a signed-in person without console access who can grant
 * it. actions holds what they can still do (sign out).
 */
export function NoAccessPage({ actions }: { actions: ReactNode }) {
  const onboarding = useOnboarding();

  return (
    <div className="page page--narrow">
      <title>No access yet · Headway</title>
      <h1>No access yet</h1>
      <p>
        You are signed in, but your role does not include the console yet. Your devices can still join the tailnet.
      </p>
      {onboarding.isPending ? (
        <p role="status" className="muted">
          Looking up who can grant access…
        </p>
      ) : onboarding.isError ? (
        <ErrorAlert
          title="Could not look up who can grant access"
          error={onboarding.error}
          onRetry={() => void onboarding.refetch()}
          retrying={onboarding.isFetching}
        />
      ) : onboarding.data.grantors.length === 0 ? (
        <p>Nobody can grant access yet: ask whoever runs this Headway.</p>
      ) : (
        <section aria-labelledby="no-access-grantors">
          <h2 id="no-access-grantors">Who can grant access</h2>
          <ul className="grantors">
            {onboarding.data.grantors.map((g) => (
              <li key={g.email || g.name}>
                <strong>{g.name || g.email}</strong>
                {g.email && (
                  <>
                    {' '}
                    (<a href={`mailto:${g.email}`}>{g.email}</a>)
                  </>
                )}
                , {roleLabel(g.role)}
              </li>
            ))}
          </ul>
        </section>
      )}
      <p>{actions}</p>
    </div>
  );
}
