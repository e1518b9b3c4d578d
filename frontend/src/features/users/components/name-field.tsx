import { useId } from 'react';
import { FieldError } from '@/components/ui/field-error';
import { nameError } from '@/features/users/components/name-error';
import { userNameRule, validUserName } from '@/features/users/components/rules';

type NameFieldProps = {
  label: string;
  value: string;
  onChange: (value: string) => void;
  /** Whether submitting was tried, so an empty name is an error too. */
  tried: boolean;
  /** The mutation's error; name errors show here. */
  error: unknown;
};

/** NameField is a Headscale user name, checked as the server checks it. */
export function NameField({ label, value, onChange, tried, error }: NameFieldProps) {
  const id = useId();
  const name = value.trim();
  const local = !validUserName(name) && (tried || name !== '');
  const server = nameError(error);
  const invalid = local || server !== undefined;
  return (
    <div className="field">
      <label htmlFor={`${id}-name`}>{label}</label>
      <input
        id={`${id}-name`}
        className="input"
        autoComplete="off"
        spellCheck={false}
        value={value}
        aria-invalid={invalid ? true : undefined}
        aria-describedby={`${id}-help${invalid ? ` ${id}-error` : ''}`}
        onChange={(event) => {
          onChange(event.target.value);
        }}
      />
      <p id={`${id}-help`} className="field__help">
        {userNameRule} Devices show it as their owner.
      </p>
      {local ? (
        <FieldError id={`${id}-error`} message="That is not a valid user name." hint={userNameRule} />
      ) : (
        server && <FieldError id={`${id}-error`} message={server.message} hint={server.hint} />
      )}
    </div>
  );
}
