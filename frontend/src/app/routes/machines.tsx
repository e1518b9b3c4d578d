import { useParams } from 'react-router';
import { RequireCapability } from '@/app/routes/require-access';
import { can, useMe } from '@/features/auth/api/get-me';
import { MachineDetailPage } from '@/features/machines/components/machine-detail-page';
import { MachinesPage } from '@/features/machines/components/machines-page';
import { useInfo } from '@/features/system/api/get-info';
import { useHeadscaleUsers } from '@/features/users/api/list-headscale-users';

/** MachinesRoute is the list of machines, with the Headscale users to filter by. */
export function MachinesRoute() {
  return (
    <RequireCapability capability="read_machines">
      <Machines />
    </RequireCapability>
  );
}

function Machines() {
  const me = useMe();
  const info = useInfo();
  const users = useHeadscaleUsers({ enabled: me.data !== undefined && can(me.data, 'read_users') });
  return (
    <MachinesPage
      users={users.data?.map((u) => ({ id: u.id, name: u.name }))}
      loginServer={info.data?.headscale.publicUrl}
      canRegister={me.data !== undefined && can(me.data, 'write_machines')}
    />
  );
}

/** MachineRoute is one machine's page. */
export function MachineRoute() {
  return (
    <RequireCapability capability="read_machines">
      <MachineDetail />
    </RequireCapability>
  );
}

function MachineDetail() {
  const { machineId = '' } = useParams();
  const me = useMe();
  return (
    <MachineDetailPage
      key={machineId}
      id={machineId}
      canWriteMachines={me.data !== undefined && can(me.data, 'write_machines')}
    />
  );
}
