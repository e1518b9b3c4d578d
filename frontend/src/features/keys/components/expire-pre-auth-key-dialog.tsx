import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { useExpirePreAuthKey } from '@/features/keys/api/expire-pre-auth-key';
import type { PreAuthKey } from '@/features/keys/api/list-pre-auth-keys';

/** ExpirePreAuthKeyDialog expires a pre-auth key now. */
export function ExpirePreAuthKeyDialog({ preAuthKey, onClose }: { preAuthKey: PreAuthKey; onClose: () => void }) {
  const expire = useExpirePreAuthKey();
  return (
    <ConfirmDialog
      open
      title={`Expire pre-auth key ${preAuthKey.key}?`}
      confirmLabel="Expire key"
      pendingLabel="Expiring…"
      pending={expire.isPending}
      error={expire.error ?? undefined}
      errorTitle="Could not expire the key"
      onCancel={onClose}
      onConfirm={() => {
        expire.mutate(preAuthKey.id, { onSuccess: onClose });
      }}
    >
      <p>
        No new device can join with it any more. Devices that already joined with it stay connected.
      </p>
    </ConfirmDialog>
  );
}
