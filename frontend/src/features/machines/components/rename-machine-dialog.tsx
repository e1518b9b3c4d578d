import { useId, useState } from 'react';
import { FieldError, splitError } from '@/components/ui/field-error';
import { FormDialog } from '@/components/ui/form-dialog';
import type { Machine } from '@/features/machines/api/list-machines';
import { useRenameMachine } from '@/features/machines/api/rename-machine';
import { machineNameRule, validMachineName } from '@/features/machines/components/rules';

/**
 * RenameMachineDialog gives a machine a new name, which is its MagicDNS name
 * too. The DNS-label rule is checked here first; the server decides.
 */
export function RenameMachineDialog({ machine, onClose }: { machine: Machine; onClose: () => void }) {
  const rename = useRenameMachine();
  const [name, setName] = useState(machine.givenName);
  const [tried, setTried] = useState(false);
  const id = useId();
  const value = name.trim();
  const valid = validMachineName(value);
  const showRule = !valid && (tried || value !== '');
  const { field, form } = splitError(rename.error, ['machine_name_invalid', 'machine_name_taken']);
  const errorId = `${id}-error`;
  const invalid = showRule || field !== undefined;

  return (
    <FormDialog
      open
      title={`Rename ${machine.givenName}`}
      submitLabel="Rename"
      pendingLabel="Renaming…"
      pending={rename.isPending}
      error={form}
      errorTitle="Could not rename the machine"
      onCancel={onClose}
      onSubmit={() => {
        setTried(true);
        if (!valid) return;
        rename.mutate({ id: machine.id, name: value }, { onSuccess: onClose });
      }}
    >
      <div className="field">
        <label htmlFor={`${id}-name`}>Machine name</label>
        <input
          id={`${id}-name`}
          className="input"
          autoComplete="off"
          spellCheck={false}
          value={name}
          aria-invalid={invalid ? true : undefined}
          aria-describedby={`${id}-help${invalid ? ` ${errorId}` : ''}`}
          onChange={(event) => {
            setName(event.target.value);
            rename.reset();
          }}
        />
        <p id={`${id}-help`} className="field__help">
          The name is also its MagicDNS name: other devices will reach it as{' '}
          <strong>{valid ? value : '…'}</strong> instead of <strong>{machine.givenName}</strong>, and anything that
          uses the old name stops finding it. {machineNameRule}
        </p>
        {showRule ? (
          <FieldError id={errorId} message="That is not a valid machine name." hint={machineNameRule} />
        ) : (
          field && <FieldError id={errorId} message={field.message} hint={field.hint} />
        )}
      </div>
    </FormDialog>
  );
}
