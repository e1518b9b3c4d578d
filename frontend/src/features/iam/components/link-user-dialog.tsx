import { useId, useState } from 'react';
import type { components } from '@/api/schema';
import { FormDialog } from '@/components/ui/form-dialog';
import { useLinkConsoleUser } from '@/features/iam/api/link-console-user';
import type { ConsoleUser } from '@/features/iam/api/list-console-users';
import { userName } from '@/features/iam/components/user-name';

type HeadscaleUser = components['schemas']['HeadscaleUser'];

type LinkUserDialogProps = {
  user: ConsoleUser;
  /** Every Headscale user; those already linked to someone are not offered. */
  headscaleUsers: HeadscaleUser[];
  onClose: () => void;
};

/** LinkUserDialog links a console user to a Headscale user nobody else has. */
export function LinkUserDialog({ user, headscaleUsers, onClose }: LinkUserDialogProps) {
  const link = useLinkConsoleUser();
  const free = headscaleUsers.filter((u) => !u.linkedConsoleUserId);
  const [choice, setChoice] = useState(free[0]?.id ?? '');
  const id = useId();
  const name = userName(user);

  return (
    <FormDialog
      open
      title={`Link ${name} to a Headscale user`}
      submitLabel="Link"
      pendingLabel="Linking…"
      pending={link.isPending}
      submitDisabled={choice === ''}
      error={link.error ?? undefined}
      errorTitle="Could not link the user"
      onCancel={onClose}
      onSubmit={() => {
        link.mutate({ id: user.id, headscaleUserId: choice }, { onSuccess: onClose });
      }}
    >
      <p>{name} sees the linked Headscale user&apos;s devices as their own and can create keys for it.</p>
      {free.length === 0 ? (
        <p role="note">Every Headscale user is linked to someone already.</p>
      ) : (
        <div className="field">
          <label htmlFor={`${id}-user`}>Headscale user</label>
          <select
            id={`${id}-user`}
            className="input"
            value={choice}
            onChange={(event) => {
              setChoice(event.target.value);
            }}
          >
            {free.map((u) => (
              <option key={u.id} value={u.id}>
                {u.displayName && u.displayName !== u.name ? `${u.name} (${u.displayName})` : u.name}
              </option>
            ))}
          </select>
        </div>
      )}
    </FormDialog>
  );
}
