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

/** nameError returns the server's error when it concerns the name field. */
export function nameError(error: unknown): ApiError | undefined {
  return error instanceof ApiError && ['user_name_invalid', 'user_name_taken'].includes(error.code) ? error : undefined;
}
