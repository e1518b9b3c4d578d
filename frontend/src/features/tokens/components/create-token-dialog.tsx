import { useId, useState } from 'react';
import { ExpiryField } from '@/components/ui/expiry-field';
import { FieldError, splitError } from '@/components/ui/field-error';
import { FormDialog } from '@/components/ui/form-dialog';
import { type NewToken, useCreateToken } from '@/features/tokens/api/create-token';
import {
  customDateBounds,
  defaultExpiry,
  expirationProblem,
  expiryPresets,
  maxNameLength,
  nameProblem,
  tokenExpiration,
} from '@/features/tokens/components/rules';
import { type Role, roleLabel } from '@/lib/roles';

type CreateTokenDialogProps = {
  /** The roles the caller may give a token, highest first. */
  roles: readonly Role[];
  /** The longest lifetime, in days; undefined while unknown (the server still checks). */
  maxAgeDays: number | undefined;
  onClose: () => void;
  onCreated: (token: NewToken) => void;
};

/** CreateTokenDialog creates an API token for the caller: a name, a role, a lifetime. */
export function CreateTokenDialog({ roles, maxAgeDays, onClose, onCreated }: CreateTokenDialogProps) {
  const id = useId();
  const create = useCreateToken();
  const [name, setName] = useState('');
  // The least the caller may give: a script rarely needs more, and more is a risk.
  const [role, setRole] = useState<Role | ''>(roles.at(-1) ?? '');
  const [choice, setChoice] = useState(() => defaultExpiry(maxAgeDays));
  const [customDate, setCustomDate] = useState('');
  const [tried, setTried] = useState(false);

  const expiration = tokenExpiration(choice, customDate, maxAgeDays);
  const nameError = tried ? nameProblem(name) : undefined;
  const dateError = tried && 'problem' in expiration ? expirationProblem(expiration.problem, maxAgeDays) : undefined;
  const { field, form } = splitError(create.error, ['token_name_invalid', 'token_role_too_high', 'token_expiry_invalid']);
  const nameServerError = field?.code === 'token_name_invalid' ? field : undefined;
  const nameErrorShown = nameError !== undefined || nameServerError !== undefined;
  const roleServerError = field?.code === 'token_role_too_high' ? field : undefined;
  const expiryServerError = field?.code === 'token_expiry_invalid' ? field : undefined;

  return (
    <FormDialog
      open
      title="Create API token"
      submitLabel="Create token"
      pendingLabel="Creating…"
      pending={create.isPending}
      error={form}
      errorTitle="Could not create the token"
      onCancel={onClose}
      onSubmit={() => {
        setTried(true);
        if (nameProblem(name) !== undefined || role === '') return;
        const now = tokenExpiration(choice, customDate, maxAgeDays);
        if ('problem' in now) return;
        create.mutate({ name: name.trim(), role, expiresAt: now.expiresAt }, { onSuccess: onCreated });
      }}
    >
      <p>
        Scripts send the token as <code>Authorization: Bearer hw_…</code>. It acts with its role, and never with more
        than your own role at the time it is used.
      </p>
      <div className="field">
        <label htmlFor={`${id}-name`}>Name</label>
        <input
          id={`${id}-name`}
          className="input"
          value={name}
          maxLength={maxNameLength}
          autoComplete="off"
          aria-invalid={nameErrorShown ? true : undefined}
          aria-describedby={`${id}-name-help${nameErrorShown ? ` ${id}-name-error` : ''}`}
          onChange={(event) => {
            setName(event.target.value);
          }}
        />
        <p id={`${id}-name-help`} className="field__help">
          What uses it: “backup script”, “CI deploy”.
        </p>
        {nameError ? (
          <FieldError id={`${id}-name-error`} message={nameError} />
        ) : (
          nameServerError && (
            <FieldError id={`${id}-name-error`} message={nameServerError.message} hint={nameServerError.hint} />
          )
        )}
      </div>
      <div className="field">
        <label htmlFor={`${id}-role`}>Role</label>
        <select
          id={`${id}-role`}
          className="input"
          value={role}
          aria-invalid={roleServerError ? true : undefined}
          aria-describedby={`${id}-role-help${roleServerError ? ` ${id}-role-error` : ''}`}
          onChange={(event) => {
            setRole(event.target.value as Role);
          }}
        >
          {roles.map((r) => (
            <option key={r} value={r}>
              {roleLabel(r)}
            </option>
          ))}
        </select>
        <p id={`${id}-role-help`} className="field__help">
          Your role and the roles within it. Give the token the least that works.
        </p>
        {roleServerError && (
          <FieldError id={`${id}-role-error`} message={roleServerError.message} hint={roleServerError.hint} />
        )}
      </div>
      <ExpiryField
        presets={expiryPresets(maxAgeDays)}
        choice={choice}
        customDate={customDate}
        onChoice={setChoice}
        onCustomDate={setCustomDate}
        bounds={customDateBounds(maxAgeDays)}
        dateHelp={
          <>
            The token expires at the end of that day, your time
            {maxAgeDays !== undefined && `, at most ${String(maxAgeDays)} days from now`}.
          </>
        }
        summary={
          'expiresAt' in expiration ? (
            <>
              Expires <time dateTime={expiration.expiresAt}>{new Date(expiration.expiresAt).toLocaleString()}</time>.
            </>
          ) : (
            'Pick a date.'
          )
        }
        problem={dateError}
        serverError={expiryServerError}
      />
    </FormDialog>
  );
}
