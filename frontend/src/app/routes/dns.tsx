import { RequireCapability } from '@/app/routes/require-access';
import { can, useMe } from '@/features/auth/api/get-me';
import { DNSPage } from '@/features/dns/components/dns-page';

/** DNSRoute is the DNS settings and extra records, editable with write_network. */
export function DNSRoute() {
  return (
    <RequireCapability capability="read_network">
      <DNS />
    </RequireCapability>
  );
}

function DNS() {
  const me = useMe();
  return <DNSPage canWrite={me.data !== undefined && can(me.data, 'write_network')} />;
}
