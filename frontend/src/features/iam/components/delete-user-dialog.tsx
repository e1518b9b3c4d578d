import { useId, useState } from 'react';
import { FormDialog } from '@/components/ui/form-dialog';
import { useDeleteConsoleUser } from '@/features/iam/api/delete-console-user';
import type { ConsoleUser } from '@/features/iam/api/list-console-users';
import { userName } from '@/features/iam/components/user-name';

/**
 * DeleteUserDialog deletes a console user once the viewer types the user's
 * email (or name) to confirm.
 */
export function DeleteUserDialog({ user, onClose }: { user: ConsoleUser; onClose: () => void }) {
  const remove = useDeleteConsoleUser();
  const [typed, setTyped] = useState('');
  const id = useId();
  const name = userName(user);
  const expected = user.email || name;
  const value = typed.trim();
  const confirmed = value !== '' && (value === user.email || value === user.name);

  return (
    <FormDialog
      open
      destructive
      title={`Delete ${name}?`}
      submitLabel="Delete user"
      pendingLabel="Deleting…"
      pending={remove.isPending}
      submitDisabled={!confirmed}
      error={remove.error ?? undefined}
      errorTitle="Could not delete the user"
      onCancel={onClose}
      onSubmit={() => {
        remove.mutate({ id: user.id }, { onSuccess: onClose });
      }}
    >
      <p>
        {name}&apos;s console account is deleted and their sessions end at once. Their Headscale user and devices
        stay. If they sign in again, they start over with the default role.
      </p>
      <div className="field">
        <label htmlFor={`${id}-confirm`}>
          Type <strong>{expected}</strong> to confirm
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
