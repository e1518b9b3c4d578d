import { Navigate, NavLink, Outlet } from 'react-router';
import { type Me, can, useMe } from '@/features/auth/api/get-me';

type SettingsPage = { path: string; label: string };

/** settingsPages are the settings the caller may open, in the order the navigation lists them. */
export function settingsPages(me: Me | undefined): SettingsPage[] {
  const pages: SettingsPage[] = [];
  if (me && can(me, 'read_users')) pages.push({ path: '/settings/users', label: 'Users' });
  pages.push({ path: '/settings/sessions', label: 'Sessions' });
  pages.push({ path: '/settings/tokens', label: 'API tokens' });
  if (me && can(me, 'owner')) pages.push({ path: '/settings/diagnostics', label: 'Diagnostics' });
  return pages;
}

/** SettingsLayout frames the settings pages with their own navigation. */
export function SettingsLayout() {
  const me = useMe();
  return (
    <div className="settings">
      <nav aria-label="Settings" className="settings__nav">
        <p className="settings__title" aria-hidden="true">
          Settings
        </p>
        <ul>
          {settingsPages(me.data).map((page) => (
            <li key={page.path}>
              <NavLink to={page.path}>{page.label}</NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <div className="settings__content">
        <Outlet />
      </div>
    </div>
  );
}

/** SettingsIndex opens the first settings page the caller may use. */
export function SettingsIndex() {
  const me = useMe();
  const first = settingsPages(me.data)[0];
  return <Navigate to={first?.path ?? '/settings/sessions'} replace />;
}
