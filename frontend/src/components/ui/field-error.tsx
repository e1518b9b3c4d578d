import { ApiError } from '@/lib/api';

/** FieldError is an error shown beside the field it concerns (give it the id the field's aria-describedby names). */
export function FieldError({ id, message, hint }: { id: string; message: string; hint?: string }) {
  return (
    <div id={id} role="alert" className="field__error">
      <p>{message}</p>
      {hint && <p className="field__hint">{hint}</p>}
    </div>
  );
}

/**
 * splitError sorts a mutation's error: one whose code concerns the field
 * (shown beside it) or the rest (shown for the whole form).
 */
export function splitError(error: unknown, fieldCodes: readonly string[]): { field?: ApiError; form?: unknown } {
  if (error === null || error === undefined) return {};
  if (error instanceof ApiError && fieldCodes.includes(error.code)) return { field: error };
  return { form: error };
}
