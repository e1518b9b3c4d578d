import { useState } from 'react';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { ErrorAlert } from '@/components/ui/error-alert';
import { type Session, useSessions } from '@/features/auth/api/list-sessions';
import { useRevokeSession } from '@/features/auth/api/revoke-session';

/** SessionsPage lists the signed-in person's sessions and revokes them. */
export function SessionsPage() {
  const sessions = useSessions();
  const revoke = useRevokeSession();
  const [target, setTarget] = useState<Session | null>(null);

  function close() {
    setTarget(null);
    revoke.reset();
  }

  return (
    <div className="page">
      <title>Sessions · Headway</title>
      <h1>Sessions</h1>
      <p className="muted">
        Every browser signed in to Headway as you. Revoke a session you do not recognise: that browser is signed
        out at once.
      </p>
      {sessions.isPending ? (
        <p role="status" className="muted">
          Loading sessions…
        </p>
      ) : sessions.isError ? (
        <ErrorAlert
          title="Could not load your sessions"
          error={sessions.error}
          onRetry={() => void sessions.refetch()}
          retrying={sessions.isFetching}
        />
      ) : sessions.data.length === 0 ? (
        <p>No sessions.</p>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">Your sessions</caption>
            <thead>
              <tr>
                <th scope="col">Signed in</th>
                <th scope="col">Last seen</th>
                <th scope="col">Expires</th>
                <th scope="col">Browser</th>
                <th scope="col">IP address</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {sessions.data.map((session) => (
                <tr key={session.id}>
                  <td>
                    <DateTime value={session.createdAt} />
                    {session.current && (
                      <>
                        {' '}
                        <span className="badge">This session</span>
                      </>
                    )}
                  </td>
                  <td>
                    <DateTime value={session.lastSeenAt} />
                  </td>
                  <td>
                    <DateTime value={session.expiresAt} />
                  </td>
                  <td className="table__ua">{session.userAgent ?? <span className="muted">Unknown</span>}</td>
                  <td>{session.clientIp ? <code>{session.clientIp}</code> : <span className="muted">Unknown</span>}</td>
                  <td>
                    <button
                      type="button"
                      className="button button--secondary button--small"
                      aria-label={
                        session.current
                          ? 'Revoke this session'
                          : `Revoke session signed in ${formatDateTime(session.createdAt)}`
                      }
                      onClick={() => {
                        revoke.reset();
                        setTarget(session);
                      }}
                    >
                      Revoke
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <ConfirmDialog
        open={target !== null}
        title={target?.current ? 'Revoke this session?' : 'Revoke the session?'}
        confirmLabel={target?.current ? 'Revoke and sign out' : 'Revoke session'}
        pendingLabel="Revoking…"
        pending={revoke.isPending || (revoke.isSuccess && target?.current === true)}
        error={revoke.error ?? undefined}
        errorTitle="Could not revoke the session"
        onCancel={close}
        onConfirm={() => {
          if (!target) return;
          revoke.mutate(target, {
            onSuccess: () => {
              if (!target.current) close();
            },
          });
        }}
      >
        {target?.current ? (
          <p>This is the session you are using: you will be signed out of Headway in this browser.</p>
        ) : (
          <p>
            The session signed in {target ? formatDateTime(target.createdAt) : ''}
            {target?.userAgent ? ` from ${target.userAgent}` : ''} ends at once; that browser will have to sign in
            again.
          </p>
        )}
      </ConfirmDialog>
    </div>
  );
}

function formatDateTime(value: string): string {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toLocaleString();
}

function DateTime({ value }: { value: string }) {
  return <time dateTime={value}>{formatDateTime(value)}</time>;
}
