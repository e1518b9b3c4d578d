import { useId, useState } from 'react';
import { FormDialog } from '@/components/ui/form-dialog';
import { useCreateHeadscaleUser } from '@/features/users/api/create-headscale-user';
import { nameError } from '@/features/users/components/name-error';
import { NameField } from '@/features/users/components/name-field';
import { validUserName } from '@/features/users/components/rules';

/** CreateUserDialog creates a local Headscale user. */
export function CreateUserDialog({ onClose }: { onClose: () => void }) {
  const create = useCreateHeadscaleUser();
  const [name, setName] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [email, setEmail] = useState('');
  const [tried, setTried] = useState(false);
  const id = useId();
  const formError = nameError(create.error) ? undefined : (create.error ?? undefined);

  return (
    <FormDialog
      open
      title="Create a Headscale user"
      submitLabel="Create user"
      pendingLabel="Creating…"
      pending={create.isPending}
      error={formError}
      errorTitle="Could not create the user"
      onCancel={onClose}
      onSubmit={() => {
        setTried(true);
        if (!validUserName(name.trim())) return;
        create.mutate(
          { name: name.trim(), displayName: displayName.trim() || undefined, email: email.trim() || undefined },
          { onSuccess: onClose },
        );
      }}
    >
      <p>Machines register as a Headscale user, who owns them. A console user can then be linked to it.</p>
      <NameField
        label="Name"
        value={name}
        tried={tried}
        error={create.error}
        onChange={(v) => {
          setName(v);
          create.reset();
        }}
      />
      <div className="field">
        <label htmlFor={`${id}-display`}>Display name (optional)</label>
        <input
          id={`${id}-display`}
          className="input"
          value={displayName}
          onChange={(event) => {
            setDisplayName(event.target.value);
          }}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-email`}>Email (optional)</label>
        <input
          id={`${id}-email`}
          type="email"
          className="input"
          value={email}
          onChange={(event) => {
            setEmail(event.target.value);
          }}
        />
      </div>
    </FormDialog>
  );
}
