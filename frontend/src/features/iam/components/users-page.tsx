import { useState } from 'react';
import type { components } from '@/api/schema';
import { ErrorAlert } from '@/components/ui/error-alert';
import { type ConsoleUser, useConsoleUsers } from '@/features/iam/api/list-console-users';
import { ChangeRoleDialog } from '@/features/iam/components/change-role-dialog';
import { DeleteUserDialog } from '@/features/iam/components/delete-user-dialog';
import { LinkUserDialog } from '@/features/iam/components/link-user-dialog';
import { TransferOwnershipDialog } from '@/features/iam/components/transfer-ownership-dialog';
import { UnlinkUserDialog } from '@/features/iam/components/unlink-user-dialog';
import { UnpinRoleDialog } from '@/features/iam/components/unpin-role-dialog';
import { userName } from '@/features/iam/components/user-name';
import { assignableRoles, roleLabel } from '@/lib/roles';

type HeadscaleUser = components['schemas']['HeadscaleUser'];

/** Who is looking: their console user id (none for API-key sessions) and capabilities. */
export type Viewer = { id?: string; capabilities: string[] };

type UsersPageProps = {
  viewer: Viewer;
  /** Headscale users, to name links and offer them; undefined while loading. */
  headscaleUsers: HeadscaleUser[] | undefined;
};

type Action =
  | { kind: 'role' | 'unpin' | 'link' | 'unlink' | 'delete' | 'transfer'; user: ConsoleUser }
  | null;

/**
 * UsersPage lists the console users with their roles and links; with
 * configure_iam it changes them. The server checks every change.
 */
export function UsersPage({ viewer, headscaleUsers }: UsersPageProps) {
  const users = useConsoleUsers();
  const [action, setAction] = useState<Action>(null);
  const canConfigure = viewer.capabilities.includes('configure_iam');
  const isOwner = viewer.capabilities.includes('owner');
  const assignable = assignableRoles(viewer.capabilities);
  const byId = new Map((headscaleUsers ?? []).map((u) => [u.id, u]));
  const headscaleName = (id: string) => {
    const u = byId.get(id);
    return u ? u.name : headscaleUsers ? 'Unknown user' : '…';
  };
  const close = () => {
    setAction(null);
  };

  return (
    <div className="page">
      <title>Users and roles · Headway</title>
      <h1>Users and roles</h1>
      <p className="muted">
        Everyone who has signed in to Headway, with their role and the Headscale user whose devices are theirs.
        {!canConfigure && ' Your role lets you view them but not change them.'}
      </p>
      {users.isPending ? (
        <p role="status" className="muted">
          Loading users…
        </p>
      ) : users.isError ? (
        <ErrorAlert
          title="Could not load the users"
          error={users.error}
          onRetry={() => void users.refetch()}
          retrying={users.isFetching}
        />
      ) : (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">Console users</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Headscale user</th>
                <th scope="col">Last sign-in</th>
                {canConfigure && (
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {users.data.map((user) => {
                const self = user.id === viewer.id;
                const name = userName(user);
                const changeable = !self && user.role !== 'owner';
                return (
                  <tr key={user.id}>
                    <th scope="row" className="table__name">
                      {name}
                      {self && (
                        <>
                          {' '}
                          <span className="badge">You</span>
                        </>
                      )}
                    </th>
                    <td>{user.email}</td>
                    <td>
                      <span>{roleLabel(user.role)}</span>
                      {user.rolePinned && (
                        <>
                          {' '}
                          <span className="badge badge--neutral" title="Set by hand: sign-ins leave it alone">
                            Pinned
                          </span>
                        </>
                      )}
                    </td>
                    <td>
                      {user.headscaleUserId ? (
                        headscaleName(user.headscaleUserId)
                      ) : (
                        <span className="muted">Not linked</span>
                      )}
                    </td>
                    <td>
                      {user.lastLoginAt ? (
                        <time dateTime={user.lastLoginAt}>{new Date(user.lastLoginAt).toLocaleString()}</time>
                      ) : (
                        <span className="muted">Never</span>
                      )}
                    </td>
                    {canConfigure && (
                      <td>
                        <div className="row-actions">
                          {changeable && (
                            <ActionButton label={`Change role of ${name}`} onClick={() => { setAction({ kind: 'role', user }); }}>
                              Change role
                            </ActionButton>
                          )}
                          {changeable && user.rolePinned && (
                            <ActionButton label={`Unpin the role of ${name}`} onClick={() => { setAction({ kind: 'unpin', user }); }}>
                              Unpin
                            </ActionButton>
                          )}
                          {user.headscaleUserId ? (
                            <ActionButton label={`Unlink ${name}`} onClick={() => { setAction({ kind: 'unlink', user }); }}>
                              Unlink
                            </ActionButton>
                          ) : (
                            <ActionButton
                              label={`Link ${name} to a Headscale user`}
                              onClick={() => { setAction({ kind: 'link', user }); }}
                            >
                              Link
                            </ActionButton>
                          )}
                          {isOwner && !self && (
                            <ActionButton
                              label={`Transfer ownership to ${name}`}
                              onClick={() => { setAction({ kind: 'transfer', user }); }}
                            >
                              Transfer ownership
                            </ActionButton>
                          )}
                          {changeable && (
                            <ActionButton label={`Delete ${name}`} onClick={() => { setAction({ kind: 'delete', user }); }}>
                              Delete
                            </ActionButton>
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

      {action?.kind === 'role' && <ChangeRoleDialog user={action.user} assignable={assignable} onClose={close} />}
      {action?.kind === 'unpin' && <UnpinRoleDialog user={action.user} onClose={close} />}
      {action?.kind === 'link' && (
        <LinkUserDialog user={action.user} headscaleUsers={headscaleUsers ?? []} onClose={close} />
      )}
      {action?.kind === 'unlink' && (
        <UnlinkUserDialog
          user={action.user}
          headscaleName={headscaleName(action.user.headscaleUserId ?? '')}
          onClose={close}
        />
      )}
      {action?.kind === 'delete' && <DeleteUserDialog user={action.user} onClose={close} />}
      {action?.kind === 'transfer' && <TransferOwnershipDialog user={action.user} onClose={close} />}
    </div>
  );
}

function ActionButton({ label, onClick, children }: { label: string; onClick: () => void; children: string }) {
  return (
    <button type="button" className="button button--secondary button--small" aria-label={label} onClick={onClick}>
      {children}
    </button>
  );
}
