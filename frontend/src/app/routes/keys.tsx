import { RequireCapability } from '@/app/routes/require-access';
import { can, useMe } from '@/features/auth/api/get-me';
import { KeysPage } from '@/features/keys/components/keys-page';
import { useInfo } from '@/features/system/api/get-info';
import { useHeadscaleUsers } from '@/features/users/api/list-headscale-users';

/** KeysRoute is the pre-auth keys (and, for owners and admins, Headscale's API keys). */
export function KeysRoute() {
  return (
    <RequireCapability capability="generate_own_authkeys">
      <Keys />
    </RequireCapability>
  );
}

function Keys() {
  const me = useMe();
  const info = useInfo();
  const signedIn = me.data;
  const users = useHeadscaleUsers({ enabled: signedIn !== undefined && can(signedIn, 'read_users') });
  return (
    <KeysPage
      users={users.data?.map((u) => ({ id: u.id, name: u.name }))}
      ownUserId={signedIn?.user?.headscaleUserId}
      canCreateForAnyone={signedIn !== undefined && can(signedIn, 'generate_authkeys')}
      canManageAPIKeys={signedIn !== undefined && can(signedIn, 'manage_apikeys')}
      loginServer={info.data?.headscale.publicUrl}
    />
  );
}
