import { ErrorAlert } from '@/components/ui/error-alert';
import { StatusText } from '@/components/ui/status-text';
import { type Info, useInfo } from '@/features/system/api/get-info';

/** StatusPage shows whether this Headway and its Headscale are working. */
export function StatusPage() {
  const info = useInfo();

  return (
    <div className="page">
      <title>Status · Headway</title>
      <h1>Status</h1>
      {info.isPending ? (
        <p role="status" className="muted">
          Loading status…
        </p>
      ) : info.isError && !info.data ? (
        <ErrorAlert
          title="Could not load the status"
          error={info.error}
          onRetry={() => void info.refetch()}
          retrying={info.isFetching}
        />
      ) : (
        <>
          {info.isError && (
            <ErrorAlert title="The latest check failed; showing the previous result" error={info.error} />
          )}
          <StatusDetails info={info.data} />
          <p className="muted">
            Last checked at{' '}
            <time dateTime={new Date(info.dataUpdatedAt).toISOString()}>
              {new Date(info.dataUpdatedAt).toLocaleTimeString()}
            </time>
            ; checked again every 15 seconds.
          </p>
        </>
      )}
    </div>
  );
}

function StatusDetails({ info }: { info: Info }) {
  const { headscale, signIn } = info;
  return (
    <div className="cards">
      <section className="card" aria-labelledby="status-headscale">
        <h2 id="status-headscale">Headscale</h2>
        <dl className="facts">
          <dt>Connection</dt>
          <dd>
            {headscale.reachable ? (
              <StatusText tone="ok">Reachable</StatusText>
            ) : (
              <StatusText tone="bad">Unreachable</StatusText>
            )}
          </dd>
          {headscale.reachable && headscale.version && (
            <>
              <dt>Version</dt>
              <dd>{headscale.version}</dd>
            </>
          )}
          <dt>Public URL</dt>
          <dd>
            <code>{headscale.publicUrl}</code>
          </dd>
          {!headscale.reachable && (
            <>
              <dt>Error</dt>
              <dd>{headscale.error ?? 'Headscale did not answer its health check.'}</dd>
            </>
          )}
        </dl>
      </section>

      <section className="card" aria-labelledby="status-signin">
        <h2 id="status-signin">Sign-in methods</h2>
        <dl className="facts">
          <dt>Single sign-on (OpenID Connect)</dt>
          <dd>
            {!signIn.oidc.configured ? (
              <StatusText tone="neutral">Not configured</StatusText>
            ) : signIn.oidc.available ? (
              <StatusText tone="ok">Configured</StatusText>
            ) : (
              <StatusText tone="bad">Unavailable</StatusText>
            )}
          </dd>
          {signIn.oidc.configured && !signIn.oidc.available && (
            <>
              <dt>Why</dt>
              <dd>{signIn.oidc.error?.message ?? 'The identity provider did not answer.'}</dd>
            </>
          )}
          <dt>Headscale API key</dt>
          <dd>
            {signIn.apiKey ? (
              <StatusText tone="ok">Allowed</StatusText>
            ) : (
              <StatusText tone="neutral">Not allowed</StatusText>
            )}
          </dd>
        </dl>
      </section>

      <section className="card" aria-labelledby="status-headway">
        <h2 id="status-headway">Headway</h2>
        <dl className="facts">
          <dt>Version</dt>
          <dd>{info.version}</dd>
        </dl>
      </section>
    </div>
  );
}
