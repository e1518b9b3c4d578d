import { ErrorAlert } from '@/components/ui/error-alert';
import { CodeBlock } from '@/components/ui/copy-button';
import { useCreateOwnPreAuthKey } from '@/features/onboarding/api/create-own-pre-auth-key';
import { connectCommand } from '@/features/onboarding/components/platform';

/**
 * PreAuthKey creates a one-hour pre-auth key for the caller's own Headscale
 * user, so a device connects without a browser sign-in. The key lives only in
 * this component's state: it is shown once and gone on reload.
 */
export function PreAuthKey({ loginServer, userName }: { loginServer: string; userName: string }) {
  const create = useCreateOwnPreAuthKey();

  return (
    <section className="card onboarding__section" aria-labelledby="onboarding-key">
      <h2 id="onboarding-key">Connect without a browser</h2>
      {create.data ? (
        <>
          <p>
            A pre-auth key for <strong>{create.data.user}</strong>, valid until{' '}
            <time dateTime={create.data.expiration}>{new Date(create.data.expiration).toLocaleString()}</time>. It is
            shown only this once: copy it now.
          </p>
          <CodeBlock value={create.data.key} label="Copy pre-auth key" />
          <p>Connect a device with it:</p>
          <CodeBlock value={connectCommand(loginServer, create.data.key)} label="Copy command with the key" />
        </>
      ) : (
        <>
          <p>
            A pre-auth key registers a device as <strong>{userName}</strong> without signing in on it, for servers
            and devices without a browser. It is valid for an hour.
          </p>
          {create.isError && <ErrorAlert title="Could not create a pre-auth key" error={create.error} />}
          <button
            type="button"
            className="button button--secondary"
            disabled={create.isPending}
            onClick={() => {
              create.mutate();
            }}
          >
            {create.isPending ? 'Creating…' : 'Create a pre-auth key'}
          </button>
        </>
      )}
    </section>
  );
}
