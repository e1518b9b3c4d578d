import { useId, useState } from 'react';
import { ErrorAlert } from '@/components/ui/error-alert';
import { type HeadscaleUser, useHeadscaleUsers } from '@/features/users/api/list-headscale-users';
import { CreateUserDialog } from '@/features/users/components/create-user-dialog';
import { DeleteUserDialog } from '@/features/users/components/delete-user-dialog';
import { RenameUserDialog } from '@/features/users/components/rename-user-dialog';
import { isFromOidc } from '@/features/users/components/rules';

type HeadscaleUsersPageProps = {
  /** Whether the viewer may create, rename and delete (write_users). */
  canWrite: boolean;
  /** Names a console user by id; undefined while unknown. */
  consoleUserName: (id: string) => string | undefined;
};

type Action = { kind: 'rename' | 'delete'; user: HeadscaleUser } | { kind: 'create' } | null;

const oidcReason = 'Comes from the identity provider: rename it there.';
const machinesReason = (n: number) => `Has ${n === 1 ? 'a machine' : `${n} machines`}: delete or move them first.`;

/**
 * HeadscaleUsersPage lists Headscale's users (who own machines) and, with
 * write_users, creates, renames and deletes them. The server checks each change.
 */
export function HeadscaleUsersPage({ canWrite, consoleUserName }: HeadscaleUsersPageProps) {
  const users = useHeadscaleUsers();
  const [action, setAction] = useState<Action>(null);
  const id = useId();
  const close = () => {
    setAction(null);
  };

  return (
    <div className="page">
      <title>Headscale users · Headway</title>
      <div className="page-title">
        <h1>Headscale users</h1>
        {canWrite && (
          <button
            type="button"
            className="button"
            onClick={() => {
              setAction({ kind: 'create' });
            }}
          >
            Create user
          </button>
        )}
      </div>
      <p className="muted">
        The users Headscale knows: every machine belongs to one (or to its tags). People who sign in to Headway are
        on the Users and roles page.
        {!canWrite && ' Your role lets you view them but not change them.'}
      </p>
      {users.isPending ? (
        <p role="status" className="muted">
          Loading users…
        </p>
      ) : users.isError ? (
        <ErrorAlert
          title="Could not load the Headscale users"
          error={users.error}
          onRetry={() => void users.refetch()}
          retrying={users.isFetching}
        />
      ) : users.data.length === 0 ? (
        <p className="empty">
          No Headscale users yet.{canWrite && ' Create one, then connect machines as that user.'}
        </p>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">Headscale users</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Display name</th>
                <th scope="col">Email</th>
                <th scope="col">Provider</th>
                <th scope="col">Machines</th>
                <th scope="col">Console user</th>
                {canWrite && (
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {users.data.map((user) => {
                const oidc = isFromOidc(user.provider);
                const linked = user.linkedConsoleUserId ? (consoleUserName(user.linkedConsoleUserId) ?? '…') : undefined;
                const renameWhy = `${id}-${user.id}-rename`;
                const deleteWhy = `${id}-${user.id}-delete`;
                return (
                  <tr key={user.id}>
                    <th scope="row" className="table__name">
                      {user.name}
                    </th>
                    <td>{user.displayName || <span className="muted">None</span>}</td>
                    <td>{user.email || <span className="muted">None</span>}</td>
                    <td>{oidc ? 'OIDC' : 'Local'}</td>
                    <td>{user.nodeCount}</td>
                    <td>{linked ?? <span className="muted">Not linked</span>}</td>
                    {canWrite && (
                      <td>
                        <div className="row-actions">
                          <button
                            type="button"
                            className="button button--secondary button--small"
                            aria-label={`Rename ${user.name}`}
                            disabled={oidc}
                            title={oidc ? oidcReason : undefined}
                            aria-describedby={oidc ? renameWhy : undefined}
                            onClick={() => {
                              setAction({ kind: 'rename', user });
                            }}
                          >
                            Rename
                          </button>
                          {oidc && (
                            <span id={renameWhy} className="visually-hidden">
                              {oidcReason}
                            </span>
                          )}
                          <button
                            type="button"
                            className="button button--danger button--small"
                            aria-label={`Delete ${user.name}`}
                            disabled={user.nodeCount > 0}
                            title={user.nodeCount > 0 ? machinesReason(user.nodeCount) : undefined}
                            aria-describedby={user.nodeCount > 0 ? deleteWhy : undefined}
                            onClick={() => {
                              setAction({ kind: 'delete', user });
                            }}
                          >
                            Delete
                          </button>
                          {user.nodeCount > 0 && (
                            <span id={deleteWhy} className="visually-hidden">
                              {machinesReason(user.nodeCount)}
                            </span>
                          )}
                        </div>
                      </td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {canWrite && users.data && users.data.length > 0 && (
        <p className="muted small">
          Users from OIDC take their name from the identity provider, so they are renamed there. A user who still has
          machines cannot be deleted: delete their machines first.
        </p>
      )}

      {action?.kind === 'create' && <CreateUserDialog onClose={close} />}
      {action?.kind === 'rename' && <RenameUserDialog user={action.user} onClose={close} />}
      {action?.kind === 'delete' && (
        <DeleteUserDialog
          user={action.user}
          linkedTo={action.user.linkedConsoleUserId ? consoleUserName(action.user.linkedConsoleUserId) : undefined}
          onClose={close}
        />
      )}
    </div>
  );
}
