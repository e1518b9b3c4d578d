import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import type { Machine } from '@/features/machines/api/list-machines';
import { useSetMachineExitNode } from '@/features/machines/api/set-machine-exit-node';

/** ExitNodeDialog starts or stops using a machine as an exit node. */
export function ExitNodeDialog({ machine, onClose }: { machine: Machine; onClose: () => void }) {
  const set = useSetMachineExitNode();
  const enable = !machine.exitNode;
  return (
    <ConfirmDialog
      open
      destructive={!enable}
      title={enable ? `Use ${machine.givenName} as an exit node?` : `Stop using ${machine.givenName} as an exit node?`}
      confirmLabel={enable ? 'Use as exit node' : 'Stop using as exit node'}
      pendingLabel="Saving…"
      pending={set.isPending}
      error={set.error ?? undefined}
      errorTitle="Could not change the exit node"
      onCancel={onClose}
      onConfirm={() => {
        set.mutate({ id: machine.id, enabled: enable }, { onSuccess: onClose });
      }}
    >
      {enable ? (
        <p>
          Devices may then send all their internet traffic through {machine.givenName} (0.0.0.0/0 and ::/0 are
          approved), as the policy allows.
        </p>
      ) : (
        <p>
          Devices using {machine.givenName} as their exit node lose it and reach the internet directly again. Its
          other routes stay approved.
        </p>
      )}
    </ConfirmDialog>
  );
}
