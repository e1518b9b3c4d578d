import { useId, useState } from 'react';
import { FormDialog } from '@/components/ui/form-dialog';
import { useDeleteMachine } from '@/features/machines/api/delete-machine';
import type { Machine } from '@/features/machines/api/list-machines';

type DeleteMachineDialogProps = { machine: Machine; onClose: () => void; onDeleted: () => void };

/** DeleteMachineDialog deletes a machine once its name is typed. */
export function DeleteMachineDialog({ machine, onClose, onDeleted }: DeleteMachineDialogProps) {
  const remove = useDeleteMachine();
  const [typed, setTyped] = useState('');
  const id = useId();
  const confirmed = typed.trim() === machine.givenName;

  return (
    <FormDialog
      open
      destructive
      title={`Delete ${machine.givenName}?`}
      submitLabel="Delete machine"
      pendingLabel="Deleting…"
      pending={remove.isPending}
      submitDisabled={!confirmed}
      error={remove.error ?? undefined}
      errorTitle="Could not delete the machine"
      onCancel={onClose}
      onSubmit={() => {
        remove.mutate({ id: machine.id }, { onSuccess: onDeleted });
      }}
    >
      <p>
        {machine.givenName} leaves the tailnet at once: other devices can no longer reach it, and it can reach none
        of them. To come back it must register again, as a new machine.
      </p>
      <div className="field">
        <label htmlFor={`${id}-confirm`}>
          Type <strong>{machine.givenName}</strong> to confirm
        </label>
        <input
          id={`${id}-confirm`}
          className="input"
          autoComplete="off"
          spellCheck={false}
          value={typed}
          onChange={(event) => {
            setTyped(event.target.value);
          }}
        />
      </div>
    </FormDialog>
  );
}
