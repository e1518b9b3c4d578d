import { useId } from 'react';
import { FieldError } from '@/features/keys/components/field-error';
import type { ExpiryPreset } from '@/features/keys/components/rules';
import type { ApiError } from '@/lib/api';

type ExpiryFieldProps = {
  presets: readonly ExpiryPreset[];
  choice: string;
  customDate: string;
  onChoice: (value: string) => void;
  onCustomDate: (value: string) => void;
  /** Whether the custom date is missing or past (after a submit). */
  invalid: boolean;
  /** The server's expiration_invalid, shown beside the field. */
  serverError?: ApiError;
};

/** ExpiryField picks a key's expiration: a preset, or a custom date. */
export function ExpiryField({ presets, choice, customDate, onChoice, onCustomDate, invalid, serverError }: ExpiryFieldProps) {
  const id = useId();
  const errorId = `${id}-error`;
  const custom = choice === 'custom';
  const showError = invalid || serverError !== undefined;
  return (
    <>
      <div className="field">
        <label htmlFor={`${id}-expiry`}>Expires in</label>
        <select
          id={`${id}-expiry`}
          className="input"
          value={choice}
          aria-invalid={serverError && !custom ? true : undefined}
          aria-describedby={serverError && !custom ? errorId : undefined}
          onChange={(event) => {
            onChoice(event.target.value);
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
            aria-invalid={showError ? true : undefined}
            aria-describedby={`${id}-date-help${showError ? ` ${errorId}` : ''}`}
            onChange={(event) => {
              onCustomDate(event.target.value);
            }}
          />
          <p id={`${id}-date-help`} className="field__help">
            The key expires at the end of that day, your time.
          </p>
        </div>
      )}
      {invalid ? (
        <FieldError id={errorId} message="Choose a date in the future." />
      ) : (
        serverError && <FieldError id={errorId} message={serverError.message} hint={serverError.hint} />
      )}
    </>
  );
}
