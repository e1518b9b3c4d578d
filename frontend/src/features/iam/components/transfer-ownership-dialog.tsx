import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import type { ConsoleUser } from '@/features/iam/api/list-console-users';
import { useTransferOwnership } from '@/features/iam/api/transfer-ownership';
import { userName } from '@/features/iam/components/user-name';

/** TransferOwnershipDialog hands the owner role to another console user. */
export function TransferOwnershipDialog({ user, onClose }: { user: ConsoleUser; onClose: () => void }) {
  const transfer = useTransferOwnership();
  const name = userName(user);
  return (
    <ConfirmDialog
      open
      title={`Transfer ownership to ${name}?`}
      confirmLabel="Transfer ownership"
      pendingLabel="Transferring…"
      pending={transfer.isPending}
      error={transfer.error ?? undefined}
      errorTitle="Could not transfer ownership"
      onCancel={onClose}
      onConfirm={() => {
        transfer.mutate({ id: user.id }, { onSuccess: onClose });
      }}
    >
      <p>
        {name} becomes the owner of this Headway. You become an admin: you keep managing the console, but only{' '}
        {name} can transfer ownership again.
      </p>
    </ConfirmDialog>
  );
}
