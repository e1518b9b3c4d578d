import { NavLink, Outlet, useLocation } from 'react-router';
import { useEffect, useRef } from 'react';
import { can, useMe } from '@/features/auth/api/get-me';
import { AccountMenu } from '@/features/auth/components/account-menu';
import { ApiKeyExpiryBanner, HeadscaleBanner } from '@/app/routes/headscale-banner';

/** RootLayout is the frame around every page: skip link, header, main. */
export function RootLayout() {
  const mainRef = useRef<HTMLElement>(null);
  const { pathname } = useLocation();
  const shownPath = useRef(pathname);
  const me = useMe();
  const signedIn = me.status === 'success' ? me.data : undefined;
  // Without console access (and past onboarding), the page shown is "No
  // access yet", which offers signing out itself: no navigation, no second
  // sign-out button.
  const hasConsole = signedIn !== undefined && can(signedIn, 'ui_access');
  const noAccessPage = signedIn !== undefined && !hasConsole && !signedIn.needsOnboarding;

  // After client-side navigation, move focus to the new page so screen-reader
  // and keyboard users start at its content, as after a full page load.
  useEffect(() => {
    if (shownPath.current === pathname) return;
    shownPath.current = pathname;
    mainRef.current?.focus();
  }, [pathname]);

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <div className="site-header__inner">
          <NavLink to="/" className="brand" end>
            Headway
          </NavLink>
          {signedIn && hasConsole && (
            <nav aria-label="Main">
              <ul className="nav">
                <li>
                  <NavLink to="/" end>
                    Status
                  </NavLink>
                </li>
                {can(signedIn, 'read_machines') && (
                  <li>
                    <NavLink to="/machines">Machines</NavLink>
                  </li>
                )}
                {can(signedIn, 'read_users') && (
                  <li>
                    <NavLink to="/headscale-users">Headscale users</NavLink>
                  </li>
                )}
                {can(signedIn, 'generate_own_authkeys') && (
                  <li>
                    <NavLink to="/keys">Keys</NavLink>
                  </li>
                )}
                {can(signedIn, 'read_policy') && (
                  <li>
                    <NavLink to="/policy">Access controls</NavLink>
                  </li>
                )}
                {can(signedIn, 'read_network') && (
                  <li>
                    <NavLink to="/dns">DNS</NavLink>
                  </li>
                )}
                {can(signedIn, 'read_audit') && (
                  <li>
                    <NavLink to="/audit">Audit</NavLink>
                  </li>
                )}
                <li>
                  <NavLink to="/settings">Settings</NavLink>
                </li>
              </ul>
            </nav>
          )}
          <NavLink to="/api/docs" className="header-link">
            API
          </NavLink>
          {signedIn && <AccountMenu me={signedIn} withSignOut={!noAccessPage} />}
        </div>
      </header>
      <main id="main" ref={mainRef} tabIndex={-1} className="site-main">
        {signedIn && hasConsole && <HeadscaleBanner />}
        {signedIn && hasConsole && <ApiKeyExpiryBanner />}
        <Outlet />
      </main>
    </>
  );
}
