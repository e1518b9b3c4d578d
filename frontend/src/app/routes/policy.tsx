import { RequireCapability } from '@/app/routes/require-access';
import { can, useMe } from '@/features/auth/api/get-me';
import { PolicyPage } from '@/features/policy/components/policy-page';

/** PolicyRoute is the ACL policy, editable with write_policy. */
export function PolicyRoute() {
  return (
    <RequireCapability capability="read_policy">
      <Policy />
    </RequireCapability>
  );
}

function Policy() {
  const me = useMe();
  return <PolicyPage canWrite={me.data !== undefined && can(me.data, 'write_policy')} />;
}
