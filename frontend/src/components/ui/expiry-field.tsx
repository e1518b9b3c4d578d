import { type ReactNode, useId } from 'react';
import { FieldError } from '@/components/ui/field-error';
import type { ApiError } from '@/lib/api';

/** A lifetime to offer: its value in the select and its label. */
export type ExpiryOption = { value: string; label: string };

type ExpiryFieldProps = {
  /** The lifetimes offered before "Custom date…". */
  presets: readonly ExpiryOption[];
  choice: string;
  customDate: string;
  onChoice: (value: string) => void;
  onCustomDate: (value: string) => void;
  /** The date field's help: what expires, and when on that day. */
  dateHelp: ReactNode;
  /** The first and last days the date field offers (yyyy-mm-dd); unbounded when absent. */
  bounds?: { min?: string; max?: string };
  /** The time it comes to, spelled out below the fields, which it also describes. */
  summary?: ReactNode;
  /** What is wrong with the custom date (after a submit). */
  problem?: string;
  /** The server's error about the expiry, shown beside the field. */
  serverError?: ApiError;
};

/** ExpiryField picks when something (a key, a token) expires: a preset, or a custom date. */
export function ExpiryField({
  presets,
  choice,
  customDate,
  onChoice,
  onCustomDate,
  dateHelp,
  bounds,
  summary,
  problem,
  serverError,
}: ExpiryFieldProps) {
  const id = useId();
  const errorId = `${id}-error`;
  const summaryId = summary === undefined ? undefined : `${id}-summary`;
  const custom = choice === 'custom';
  const serverErrorOnSelect = serverError !== undefined && !custom;
  const showError = problem !== undefined || serverError !== undefined;
  const describedBy = (...ids: (string | false | undefined)[]) => ids.filter(Boolean).join(' ') || undefined;
  return (
    <>
      <div className="field">
        <label htmlFor={`${id}-expiry`}>Expires in</label>
        <select
          id={`${id}-expiry`}
          className="input"
          value={choice}
          aria-invalid={serverErrorOnSelect ? true : undefined}
          aria-describedby={describedBy(summaryId, serverErrorOnSelect && errorId)}
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
            min={bounds?.min}
            max={bounds?.max}
            aria-invalid={showError ? true : undefined}
            aria-describedby={describedBy(`${id}-date-help`, summaryId, showError && errorId)}
            onChange={(event) => {
              onCustomDate(event.target.value);
            }}
          />
          <p id={`${id}-date-help`} className="field__help">
            {dateHelp}
          </p>
        </div>
      )}
      {summaryId && (
        <p id={summaryId} className="field__help expiry-summary">
          {summary}
        </p>
      )}
      {problem !== undefined ? (
        <FieldError id={errorId} message={problem} />
      ) : (
        serverError && <FieldError id={errorId} message={serverError.message} hint={serverError.hint} />
      )}
    </>
  );
}
