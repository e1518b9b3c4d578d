import type { ReactNode } from 'react';
import { Outlet } from 'react-router';
import { can, useMe } from '@/features/auth/api/get-me';
import { SignOutButton } from '@/features/auth/components/sign-out-button';
import { NoAccessPage } from '@/features/onboarding/components/no-access-page';

/**
 * RequireAccess guards the console itself: someone whose role lacks
 * ui_access (a member) sees who can grant access instead, at any path.
 * It sits inside RequireSession, so GET /me has answered.
 */
export function RequireAccess() {
  const me = useMe();
  if (me.data && !can(me.data, 'ui_access')) return <NoAccessPage actions={<SignOutButton />} />;
  return <Outlet />;
}

/** RequireCapability shows a page only to those who may use it; the server still checks each call. */
export function RequireCapability({ capability, children }: { capability: string; children: ReactNode }) {
  const me = useMe();
  if (me.data && !can(me.data, capability)) {
    return (
      <div className="page">
        <title>Not allowed · Headway</title>
        <h1>Not allowed</h1>
        <p>Your role does not include this page. Ask an administrator if you need it.</p>
      </div>
    );
  }
  return children;
}
