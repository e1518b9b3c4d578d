import { useState } from 'react';
import { FormDialog } from '@/components/ui/form-dialog';
import type { HeadscaleUser } from '@/features/users/api/list-headscale-users';
import { useRenameHeadscaleUser } from '@/features/users/api/rename-headscale-user';
import { nameError } from '@/features/users/components/name-error';
import { NameField } from '@/features/users/components/name-field';
import { validUserName } from '@/features/users/components/rules';

/** RenameUserDialog renames a local Headscale user. */
export function RenameUserDialog({ user, onClose }: { user: HeadscaleUser; onClose: () => void }) {
  const rename = useRenameHeadscaleUser();
  const [name, setName] = useState(user.name);
  const [tried, setTried] = useState(false);
  const formError = nameError(rename.error) ? undefined : (rename.error ?? undefined);

  return (
    <FormDialog
      open
      title={`Rename Headscale user ${user.name}`}
      submitLabel="Rename"
      pendingLabel="Renaming…"
      pending={rename.isPending}
      error={formError}
      errorTitle="Could not rename the user"
      onCancel={onClose}
      onSubmit={() => {
        setTried(true);
        if (!validUserName(name.trim())) return;
        rename.mutate({ id: user.id, name: name.trim() }, { onSuccess: onClose });
      }}
    >
      <p>
        Its {user.nodeCount === 1 ? 'machine shows' : `${user.nodeCount} machines show`} the new name as their owner.
        Pre-auth keys and links to console users keep working.
      </p>
      <NameField
        label="New name"
        value={name}
        tried={tried}
        error={rename.error}
        onChange={(v) => {
          setName(v);
          rename.reset();
        }}
      />
    </FormDialog>
  );
}
