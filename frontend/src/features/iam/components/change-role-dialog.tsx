import { useId, useState } from 'react';
import { FormDialog } from '@/components/ui/form-dialog';
import type { ConsoleUser } from '@/features/iam/api/list-console-users';
import { useUpdateConsoleUser } from '@/features/iam/api/update-console-user';
import { userName } from '@/features/iam/components/user-name';
import { type Role, roleLabel } from '@/lib/roles';

type ChangeRoleDialogProps = {
  user: ConsoleUser;
  /** The roles the viewer may grant; the server decides in the end. */
  assignable: Role[];
  onClose: () => void;
};

/** ChangeRoleDialog sets a console user's role by hand, which pins it. */
export function ChangeRoleDialog({ user, assignable, onClose }: ChangeRoleDialogProps) {
  const update = useUpdateConsoleUser();
  const [role, setRole] = useState<Role>(assignable.includes(user.role) ? user.role : (assignable[0] ?? user.role));
  const id = useId();
  const name = userName(user);

  return (
    <FormDialog
      open
      title={`Change the role of ${name}`}
      submitLabel="Change role"
      pendingLabel="Changing…"
      pending={update.isPending}
      submitDisabled={assignable.length === 0}
      error={update.error ?? undefined}
      errorTitle="Could not change the role"
      onCancel={onClose}
      onSubmit={() => {
        update.mutate({ id: user.id, role }, { onSuccess: onClose });
      }}
    >
      <p>
        Current role: <strong>{roleLabel(user.role)}</strong>
        {user.rolePinned ? ', pinned' : ''}.
      </p>
      <div className="field">
        <label htmlFor={`${id}-role`}>Role</label>
        <select
          id={`${id}-role`}
          className="input"
          value={role}
          aria-describedby={`${id}-help`}
          onChange={(event) => {
            setRole(event.target.value as Role);
          }}
        >
          {assignable.map((r) => (
            <option key={r} value={r}>
              {roleLabel(r)}
            </option>
          ))}
        </select>
        <p id={`${id}-help`} className="field__help">
          Setting a role by hand pins it: signing in no longer applies the identity provider&apos;s groups to {name}
          until you unpin it. You can grant only roles whose permissions you hold yourself.
        </p>
      </div>
    </FormDialog>
  );
}
