import { ApiError } from '@/lib/api';

type ErrorAlertProps = {
  title: string;
  error: unknown;
  onRetry?: () => void;
  retrying?: boolean;
};

/** ErrorAlert announces a failure with the server's message, hint and request id. */
export function ErrorAlert({ title, error, onRetry, retrying = false }: ErrorAlertProps) {
  const apiError = error instanceof ApiError ? error : undefined;
  const message =
    apiError?.message ?? (error instanceof Error ? error.message : 'Something went wrong.');
  return (
    <div role="alert" className="alert alert--error">
      <p className="alert__title">{title}</p>
      <p>{message}</p>
      {apiError?.hint && <p className="alert__hint">{apiError.hint}</p>}
      {apiError?.requestId && (
        <p className="alert__meta">
          Request ID: <code>{apiError.requestId}</code>
        </p>
      )}
      {onRetry && (
        <button type="button" className="button" onClick={onRetry} disabled={retrying}>
          {retrying ? 'Retrying…' : 'Try again'}
        </button>
      )}
    </div>
  );
}
