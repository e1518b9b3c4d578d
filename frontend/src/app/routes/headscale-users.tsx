import { RequireCapability } from '@/app/routes/require-access';
import { can, useMe } from '@/features/auth/api/get-me';
import { useConsoleUsers } from '@/features/iam/api/list-console-users';
import { userName } from '@/features/iam/components/user-name';
import { HeadscaleUsersPage } from '@/features/users/components/headscale-users-page';

/** HeadscaleUsersRoute is the Headscale users page, naming the console users linked to them. */
export function HeadscaleUsersRoute() {
  return (
    <RequireCapability capability="read_users">
      <HeadscaleUsers />
    </RequireCapability>
  );
}

function HeadscaleUsers() {
  const me = useMe();
  const consoleUsers = useConsoleUsers();
  const byId = new Map((consoleUsers.data ?? []).map((u) => [u.id, userName(u)]));
  return (
    <HeadscaleUsersPage
      canWrite={me.data !== undefined && can(me.data, 'write_users')}
      consoleUserName={(id) => byId.get(id) ?? (consoleUsers.isPending ? undefined : 'Unknown user')}
    />
  );
}
