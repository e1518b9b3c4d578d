import { ErrorAlert } from '@/components/ui/error-alert';
import { useLoginError } from '@/features/auth/api/get-login-error';

/**
 * LoginError explains a failed single sign-on in the server's words: the
 * address carries only a code, so a crafted link cannot put text on the page.
 */
export function LoginError({ code, detail }: { code: string; detail?: string }) {
  const explanation = useLoginError(code, detail);
  if (explanation.isPending) {
    return (
      <p role="status" className="muted">
        Looking up what went wrong…
      </p>
    );
  }
  if (explanation.isError) {
    return <ErrorAlert title="Sign-in failed, and the reason could not be loaded" error={explanation.error} />;
  }
  return (
    <div role="alert" className="alert alert--error">
      <p className="alert__title">Sign-in failed</p>
      <p>{explanation.data.message}</p>
      {explanation.data.hint && <p className="alert__hint">{explanation.data.hint}</p>}
    </div>
  );
}

/** SignedOutNotice confirms signing out; it never starts a new sign-in. */
export function SignedOutNotice() {
  return (
    <p role="status" className="notice">
      You are signed out.
    </p>
  );
}
