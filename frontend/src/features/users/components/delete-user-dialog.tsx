import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { useDeleteHeadscaleUser } from '@/features/users/api/delete-headscale-user';
import type { HeadscaleUser } from '@/features/users/api/list-headscale-users';

type DeleteUserDialogProps = {
  user: HeadscaleUser;
  /** The linked console user's name, if any. */
  linkedTo?: string;
  onClose: () => void;
};

/** DeleteUserDialog deletes a Headscale user without machines. */
export function DeleteUserDialog({ user, linkedTo, onClose }: DeleteUserDialogProps) {
  const remove = useDeleteHeadscaleUser();
  return (
    <ConfirmDialog
      open
      title={`Delete Headscale user ${user.name}?`}
      confirmLabel="Delete user"
      pendingLabel="Deleting…"
      pending={remove.isPending}
      error={remove.error ?? undefined}
      errorTitle="Could not delete the user"
      onCancel={onClose}
      onConfirm={() => {
        remove.mutate({ id: user.id }, { onSuccess: onClose });
      }}
    >
      <p>
        {user.name} is deleted from Headscale, with their pre-auth keys: nothing can register as them any more.
        {linkedTo && ` ${linkedTo}'s console account stays, no longer linked to a Headscale user.`}
      </p>
    </ConfirmDialog>
  );
}
