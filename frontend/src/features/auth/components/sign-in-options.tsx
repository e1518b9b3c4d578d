import type { components } from '@/api/schema';
import { ApiKeyForm } from '@/features/auth/components/api-key-form';
import type { Me } from '@/features/auth/api/get-me';
import { oidcStartUrl } from '@/lib/return-to';

type SignInMethods = components['schemas']['SignInMethods'];

type SignInOptionsProps = {
  /** The configured methods, from /info; undefined when they are not known. */
  signIn: SignInMethods | undefined;
  /** Where to go once signed in: a local path under /admin/. */
  returnTo: string;
  onSignedIn: (me: Me) => void;
};

/**
 * SignInOptions offers the ways to sign in this Headway allows: single
 * sign-on (only ever started by a click, never automatically) and a
 * Headscale API key.
 */
export function SignInOptions({ signIn, returnTo, onSignedIn }: SignInOptionsProps) {
  const oidc = signIn?.oidc;
  const insecureCookies = signIn?.cookieSecure === true && window.location.protocol === 'http:';
  const apiKeyAllowed = signIn?.apiKey !== false;
  const nothingOffered = signIn !== undefined && !oidc?.configured && !apiKeyAllowed;

  return (
    <div className="sign-in">
      {insecureCookies && (
        <div role="note" className="alert alert--warning">
          <p className="alert__title">Signing in will not work over HTTP</p>
          <p>
            Session cookies are marked Secure but this page is served over HTTP: the browser will drop them — serve
            over HTTPS or set <code>server.cookie_secure: false</code>.
          </p>
        </div>
      )}

      {oidc?.configured &&
        (oidc.available ? (
          <section className="sign-in__method" aria-labelledby="sign-in-sso">
            <h2 id="sign-in-sso">Single sign-on</h2>
            <p>
              {/* A full page load: the identity provider's pages are not part of this app. */}
              <a className="button button--block" href={oidcStartUrl(returnTo)}>
                Sign in with single sign-on
              </a>
            </p>
          </section>
        ) : (
          <section className="sign-in__method" aria-labelledby="sign-in-sso">
            <h2 id="sign-in-sso">Single sign-on</h2>
            <div className="alert alert--warning">
              <p className="alert__title">Single sign-on is unavailable</p>
              <p>{oidc.error?.message ?? 'The identity provider did not answer.'}</p>
              {oidc.error?.hint && <p className="alert__hint">{oidc.error.hint}</p>}
            </div>
          </section>
        ))}

      {apiKeyAllowed && (
        <section className="sign-in__method">
          <ApiKeyForm onSignedIn={onSignedIn} />
        </section>
      )}

      {nothingOffered && (
        <div className="alert alert--warning">
          <p className="alert__title">No way to sign in is configured</p>
          <p>
            Configure single sign-on (<code>oidc</code>) or allow API keys in Headway&apos;s configuration.
          </p>
        </div>
      )}
    </div>
  );
}
