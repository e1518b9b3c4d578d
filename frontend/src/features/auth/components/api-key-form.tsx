import { useId, useState } from 'react';
import { useSignInWithApiKey } from '@/features/auth/api/sign-in-with-api-key';
import type { Me } from '@/features/auth/api/get-me';
import { ApiError } from '@/lib/api';

/** Error codes about the key itself, shown beside the field. */
const fieldCodes = new Set(['api_key_malformed', 'api_key_unknown', 'api_key_expired']);

/** ApiKeyForm signs in with a Headscale API key. */
export function ApiKeyForm({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  const signIn = useSignInWithApiKey();
  const [apiKey, setApiKey] = useState('');
  const id = useId();
  const inputId = `${id}-key`;
  const helpId = `${id}-help`;
  const errorId = `${id}-error`;

  const error = signIn.error;
  const apiError = error instanceof ApiError ? error : undefined;
  const fieldError = apiError && fieldCodes.has(apiError.code) ? apiError : undefined;
  const formError = fieldError ? null : error;

  return (
    <form
      className="form"
      onSubmit={(event) => {
        event.preventDefault();
        if (signIn.isPending) return;
        signIn.mutate({ apiKey: apiKey.trim() }, { onSuccess: onSignedIn });
      }} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Sign in with an API key</h2>
      <div className="field">
        <label htmlFor={inputId}>Headscale API key</label>
        <input
          id={inputId}
          name="apiKey"
          type="password"
          className="input"
          autoComplete="off"
          spellCheck={false}
          required
          value={apiKey}
          onChange={(event) => {
            setApiKey(event.target.value);
          }}
          aria-invalid={fieldError ? true : undefined}
          aria-describedby={fieldError ? `${errorId} ${helpId}` : helpId}
        />
        <p id={helpId} className="field__help">
          Create one on the Headscale server with <code>headscale apikeys create</code>. The session ends when the
          key expires.
        </p>
        {fieldError && (
          <div id={errorId} role="alert" className="field__error">
            <p>{fieldError.message}</p>
            {fieldError.hint && <p className="field__hint">{fieldError.hint}</p>}
          </div>
        )}
      </div>
      {formError && (
        <div role="alert" className="alert alert--error">
          <p className="alert__title">Could not sign in</p>
          <p>{formError.message}</p>
          {apiError?.hint && <p className="alert__hint">{apiError.hint}</p>}
        </div>
      )}
      <button type="submit" className="button" disabled={signIn.isPending}>
        {signIn.isPending ? 'Signing in…' : 'Sign in with API key'}
      </button>
    </form>
  );
}
