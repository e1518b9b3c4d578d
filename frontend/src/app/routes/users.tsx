import { RequireCapability } from '@/app/routes/require-access';
import { can, capabilitiesOf, useMe } from '@/features/auth/api/get-me';
import { UsersPage } from '@/features/iam/components/users-page';
import { useHeadscaleUsers } from '@/features/users/api/list-headscale-users';

/** UsersRoute is the users and roles page: console users joined with Headscale users. */
export function UsersRoute() {
  return (
    <RequireCapability capability="read_users">
      <Users />
    </RequireCapability>
  );
}

function Users() {
  const me = useMe();
  const headscaleUsers = useHeadscaleUsers({ enabled: me.data !== undefined && can(me.data, 'read_users') });
  const viewer = { id: me.data?.user?.id, capabilities: me.data ? [...capabilitiesOf(me.data)] : [] };
  return <UsersPage viewer={viewer} headscaleUsers={headscaleUsers.data} />;
}
