import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { useExpireMachine } from '@/features/machines/api/expire-machine';
import type { Machine } from '@/features/machines/api/list-machines';

/** ExpireMachineDialog expires a machine's key now. */
export function ExpireMachineDialog({ machine, onClose }: { machine: Machine; onClose: () => void }) {
  const expire = useExpireMachine();
  return (
    <ConfirmDialog
      open
      title={`Expire ${machine.givenName} now?`}
      confirmLabel="Expire now"
      pendingLabel="Expiring…"
      pending={expire.isPending}
      error={expire.error ?? undefined}
      errorTitle="Could not expire the machine"
      onCancel={onClose}
      onConfirm={() => {
        expire.mutate({ id: machine.id }, { onSuccess: onClose });
      }}
    >
      <p>
        Its key expires at once and it drops off the tailnet: it must sign in again (<code>tailscale up</code>) before
        it can reach other devices.
      </p>
    </ConfirmDialog>
  );
}
