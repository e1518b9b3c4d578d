import { useId, useState } from 'react';
import { FieldError, splitError } from '@/components/ui/field-error';
import { FormDialog } from '@/components/ui/form-dialog';
import type { Machine } from '@/features/machines/api/list-machines';
import { useRegisterMachine } from '@/features/machines/api/register-machine';
import type { UserOption } from '@/features/machines/components/machines-page';
import { registrationIdFrom } from '@/features/machines/components/rules';

type RegisterMachineDialogProps = {
  users: UserOption[];
  onClose: () => void;
  onRegistered: (machine: Machine) => void;
};

/**
 * RegisterMachineDialog registers a device waiting at its login URL: paste
 * the key it shows (hskey-authreq-…) or the whole URL, and choose its user.
 */
export function RegisterMachineDialog({ users, onClose, onRegistered }: RegisterMachineDialogProps) {
  const register = useRegisterMachine();
  const [text, setText] = useState('');
  const [user, setUser] = useState(users[0]?.id ?? '');
  const [tried, setTried] = useState(false);
  const id = useId();
  const registrationId = registrationIdFrom(text);
  const missing = registrationId === '';
  const { field, form } = splitError(register.error, ['registration_not_found']);
  const userError = splitError(form, ['headscale_user_not_found']);
  const keyErrorId = `${id}-key-error`;

  return (
    <FormDialog
      open
      title="Register a machine"
      submitLabel="Register"
      pendingLabel="Registering…"
      pending={register.isPending}
      submitDisabled={users.length === 0}
      error={userError.form}
      errorTitle="Could not register the machine"
      onCancel={onClose}
      onSubmit={() => {
        setTried(true);
        if (missing || user === '') return;
        register.mutate({ user, registrationId }, { onSuccess: onRegistered });
      }}
    >
      <p>
        A device that runs <code>tailscale up --login-server …</code> without a key shows a login URL. Registering it
        here adds it to the tailnet as the user you choose.
      </p>
      <div className="field">
        <label htmlFor={`${id}-key`}>Registration ID or login URL</label>
        <input
          id={`${id}-key`}
          className="input"
          autoComplete="off"
          spellCheck={false}
          value={text}
          aria-invalid={(tried && missing) || field ? true : undefined}
          aria-describedby={`${id}-key-help${(tried && missing) || field ? ` ${keyErrorId}` : ''}`}
          onChange={(event) => {
            setText(event.target.value);
          }}
        />
        <p id={`${id}-key-help`} className="field__help">
          The <code>hskey-authreq-…</code> key at the end of the device&apos;s login URL; pasting the whole URL works
          too.
          {text.trim() !== '' && registrationId !== text.trim() && (
            <>
              {' '}
              Using <code>{registrationId}</code>.
            </>
          )}
        </p>
        {tried && missing ? (
          <FieldError id={keyErrorId} message="Paste the registration ID or the login URL." />
        ) : (
          field && <FieldError id={keyErrorId} message={field.message} hint={field.hint} />
        )}
      </div>
      <div className="field">
        <label htmlFor={`${id}-user`}>Headscale user</label>
        <select
          id={`${id}-user`}
          className="input"
          value={user}
          aria-invalid={userError.field ? true : undefined}
          aria-describedby={userError.field ? `${id}-user-error` : undefined}
          onChange={(event) => {
            setUser(event.target.value);
          }}
        >
          {users.map((u) => (
            <option key={u.id} value={u.id}>
              {u.name}
            </option>
          ))}
        </select>
        {users.length === 0 && (
          <p className="field__help">There are no Headscale users yet: create one on the Headscale users page first.</p>
        )}
        {userError.field && (
          <FieldError id={`${id}-user-error`} message={userError.field.message} hint={userError.field.hint} />
        )}
      </div>
    </FormDialog>
  );
}
