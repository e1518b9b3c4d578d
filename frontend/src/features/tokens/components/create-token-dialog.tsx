import { useId, useState } from 'react';
import { FormDialog } from '@/components/ui/form-dialog';
import { type NewToken, useCreateToken } from '@/features/tokens/api/create-token';
import { FieldError, splitError } from '@/features/tokens/components/field-error';
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

  const presets = expiryPresets(maxAgeDays);
  const bounds = customDateBounds(maxAgeDays);
  const expiration = tokenExpiration(choice, customDate, maxAgeDays);
  const nameError = tried ? nameProblem(name) : undefined;
  const dateError = tried && 'problem' in expiration ? expirationProblem(expiration.problem, maxAgeDays) : undefined;
  const { field, form } = splitError(create.error, ['token_name_invalid', 'token_role_too_high', 'token_expiry_invalid']);
  const nameServerError = field?.code === 'token_name_invalid' ? field : undefined;
  const nameErrorShown = nameError !== undefined || nameServerError !== undefined;
  const roleServerError = field?.code === 'token_role_too_high' ? field : undefined;
  const expiryServerError = field?.code === 'token_expiry_invalid' ? field : undefined;
  const custom = choice === 'custom';
  const expiryErrorShown = dateError !== undefined || expiryServerError !== undefined;

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
      <div className="field">
        <label htmlFor={`${id}-expiry`}>Expires in</label>
        <select
          id={`${id}-expiry`}
          className="input"
          value={choice}
          aria-invalid={expiryServerError && !custom ? true : undefined}
          aria-describedby={`${id}-expiry-when${expiryServerError && !custom ? ` ${id}-expiry-error` : ''}`}
          onChange={(event) => {
            setChoice(event.target.value);
          }}
        >
          {presets.map((p) => (
            <option key={p.value} value={p.value}>
              {p.label}
            </option>
          ))}
          <option value="custom">Custom date…</option>
        </select>
      </div>
      {custom && (
        <div className="field">
          <label htmlFor={`${id}-date`}>Expiration date</label>
          <input
            id={`${id}-date`}
            type="date"
            className="input"
            value={customDate}
            min={bounds.min}
            max={bounds.max}
            aria-invalid={expiryErrorShown ? true : undefined}
            aria-describedby={`${id}-date-help ${id}-expiry-when${expiryErrorShown ? ` ${id}-expiry-error` : ''}`}
            onChange={(event) => {
              setCustomDate(event.target.value);
            }}
          />
          <p id={`${id}-date-help`} className="field__help">
            The token expires at the end of that day, your time
            {maxAgeDays !== undefined && `, at most ${String(maxAgeDays)} days from now`}.
          </p>
        </div>
      )}
      <p id={`${id}-expiry-when`} className="field__help token-expiry">
        {'expiresAt' in expiration ? (
          <>
            Expires <time dateTime={expiration.expiresAt}>{new Date(expiration.expiresAt).toLocaleString()}</time>.
          </>
        ) : (
          'Pick a date.'
        )}
      </p>
      {dateError ? (
        <FieldError id={`${id}-expiry-error`} message={dateError} />
      ) : (
        expiryServerError && (
          <FieldError id={`${id}-expiry-error`} message={expiryServerError.message} hint={expiryServerError.hint} />
        )
      )}
    </FormDialog>
  );
}
