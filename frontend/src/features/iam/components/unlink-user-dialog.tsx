import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import type { ConsoleUser } from '@/features/iam/api/list-console-users';
import { useUnlinkConsoleUser } from '@/features/iam/api/unlink-console-user';
import { userName } from '@/features/iam/components/user-name';

type UnlinkUserDialogProps = { user: ConsoleUser; headscaleName: string; onClose: () => void };

/** UnlinkUserDialog removes a console user's link to their Headscale user. */
export function UnlinkUserDialog({ user, headscaleName, onClose }: UnlinkUserDialogProps) {
  const unlink = useUnlinkConsoleUser();
  const name = userName(user);
  return (
    <ConfirmDialog
      open
      title={`Unlink ${name} from ${headscaleName}?`}
      confirmLabel="Unlink"
      pendingLabel="Unlinking…"
      pending={unlink.isPending}
      error={unlink.error ?? undefined}
      errorTitle="Could not unlink the user"
      onCancel={onClose}
      onConfirm={() => {
        unlink.mutate({ id: user.id }, { onSuccess: onClose });
      }}
    >
      <p>
        {name} no longer sees {headscaleName}&apos;s devices as their own. The Headscale user and its devices stay.
      </p>
    </ConfirmDialog>
  );
}
