import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import type { ConsoleUser } from '@/features/iam/api/list-console-users';
import { useUpdateConsoleUser } from '@/features/iam/api/update-console-user';
import { userName } from '@/features/iam/components/user-name';

/** UnpinRoleDialog lets sign-ins decide a console user's role again. */
export function UnpinRoleDialog({ user, onClose }: { user: ConsoleUser; onClose: () => void }) {
  const update = useUpdateConsoleUser();
  const name = userName(user);
  return (
    <ConfirmDialog
      open
      destructive={false}
      title={`Unpin the role of ${name}?`}
      confirmLabel="Unpin role"
      pendingLabel="Unpinning…"
      pending={update.isPending}
      error={update.error ?? undefined}
      errorTitle="Could not unpin the role"
      onCancel={onClose}
      onConfirm={() => {
        update.mutate({ id: user.id, rolePinned: false }, { onSuccess: onClose });
      }}
    >
      <p>
        From {name}&apos;s next sign-in, the identity provider&apos;s groups decide their role again
        (<code>oidc.role_mapping</code>), so it may change.
      </p>
    </ConfirmDialog>
  );
}
