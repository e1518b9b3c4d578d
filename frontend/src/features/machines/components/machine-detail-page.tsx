import { type ReactNode, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { ErrorAlert } from '@/components/ui/error-alert';
import { useMachine } from '@/features/machines/api/get-machine';
import type { Machine } from '@/features/machines/api/list-machines';
import { DeleteMachineDialog } from '@/features/machines/components/delete-machine-dialog';
import { ExitNodeDialog } from '@/features/machines/components/exit-node-dialog';
import { ExpireMachineDialog } from '@/features/machines/components/expire-machine-dialog';
import { MachineBadges } from '@/features/machines/components/machine-badges';
import { RenameMachineDialog } from '@/features/machines/components/rename-machine-dialog';
import { RoutesDialog } from '@/features/machines/components/routes-dialog';
import { isExitRoute, formatTime } from '@/features/machines/components/rules';
import { SetExpiryDialog } from '@/features/machines/components/set-expiry-dialog';
import { SetTagsDialog } from '@/features/machines/components/set-tags-dialog';

type Action = 'rename' | 'expire' | 'expiry' | 'tags' | 'routes' | 'exit' | 'delete' | null;

type MachineDetailPageProps = {
  id: string;
  /** Whether the viewer holds write_machines (tags need it even for the machine's owner). */
  canWriteMachines: boolean;
};

/** MachineDetailPage shows one machine and, to those who may change it, its actions. */
export function MachineDetailPage({ id, canWriteMachines }: MachineDetailPageProps) {
  const navigate = useNavigate();
  const [action, setAction] = useState<Action>(null);
  // Not read again while it may be deleted: it would answer 404.
  const machine = useMachine(id, { poll: action !== 'delete' });
  const close = () => {
    setAction(null);
  };

  if (machine.isPending) {
    return (
      <div className="page">
        <title>Machine · Headway</title>
        <p role="status" className="muted">
          Loading the machine…
        </p>
      </div>
    );
  }
  if (machine.isError && !machine.data) {
    return (
      <div className="page">
        <title>Machine · Headway</title>
        <p>
          <Link to="/machines">← Machines</Link>
        </p>
        <h1>Machine</h1>
        <ErrorAlert
          title="Could not load the machine"
          error={machine.error}
          onRetry={() => void machine.refetch()}
          retrying={machine.isFetching}
        />
      </div>
    );
  }

  const m = machine.data;
  const subnetRoutes = [...new Set([...m.availableRoutes, ...m.approvedRoutes])].filter((r) => !isExitRoute(r));

  return (
    <div className="page">
      <title>{`${m.givenName} · Machines · Headway`}</title>
      <p>
        <Link to="/machines">← Machines</Link>
      </p>
      <h1>{m.givenName}</h1>
      <p>
        <MachineBadges machine={m} withTags={false} />
      </p>
      {machine.isError && <ErrorAlert title="Could not refresh the machine" error={machine.error} />}

      {m.canManage && (
        <div className="toolbar" role="group" aria-label="Actions">
          <Button onClick={() => { setAction('rename'); }}>Rename</Button>
          <Button onClick={() => { setAction('expire'); }}>Expire now</Button>
          <Button onClick={() => { setAction('expiry'); }}>Set expiry</Button>
          {canWriteMachines && <Button onClick={() => { setAction('tags'); }}>Set tags</Button>}
          {subnetRoutes.length > 0 && <Button onClick={() => { setAction('routes'); }}>Approve routes</Button>}
          {(m.exitNodeAvailable || m.exitNode) && (
            <Button onClick={() => { setAction('exit'); }}>
              {m.exitNode ? 'Stop using as exit node' : 'Use as exit node'}
            </Button>
          )}
          <Button danger onClick={() => { setAction('delete'); }}>
            Delete
          </Button>
        </div>
      )}

      <section className="card" aria-labelledby="machine-about">
        <h2 id="machine-about">About</h2>
        <dl className="facts">
          <Fact term="Machine name">{m.givenName}</Fact>
          <Fact term="Hostname">{m.name}</Fact>
          <Fact term="User">{m.user ? m.user.displayName || m.user.name : 'None: its tags own it'}</Fact>
          <Fact term="Tags">
            {m.tags.length > 0 ? (
              <span className="badges">
                {m.tags.map((t) => (
                  <span key={t} className="badge badge--neutral">
                    {t}
                  </span>
                ))}
              </span>
            ) : (
              <span className="muted">None</span>
            )}
          </Fact>
          <Fact term="Addresses">
            {m.ipAddresses.map((ip) => (
              <div key={ip}>
                <code>{ip}</code>
              </div>
            ))}
          </Fact>
          <Fact term="Status">{m.online ? 'Online' : 'Offline'}{m.expired ? ', key expired' : ''}</Fact>
          <Fact term="Last seen">{m.online ? 'Now' : (formatTime(m.lastSeen) ?? 'Never')}</Fact>
          <Fact term="Created">{formatTime(m.createdAt) ?? 'Unknown'}</Fact>
          <Fact term="Key expiry">{expiryText(m)}</Fact>
          <Fact term="Registered with">{registerMethodLabel(m.registerMethod)}</Fact>
          <Fact term="Machine key">
            <code>{m.machineKey}</code>
          </Fact>
          <Fact term="Node key">
            <code>{m.nodeKey}</code>
          </Fact>
        </dl>
      </section>

      <section className="card" aria-labelledby="machine-routes">
        <h2 id="machine-routes">Routes</h2>
        <dl className="facts">
          <Fact term="Exit node">
            {m.exitNode ? 'In use: approved' : m.exitNodeAvailable ? 'Offered, not approved' : 'Not offered'}
          </Fact>
          <Fact term="Advertised">{routeList(m.availableRoutes)}</Fact>
          <Fact term="Approved">{routeList(m.approvedRoutes)}</Fact>
          <Fact term="Serving">{routeList(m.subnetRoutes)}</Fact>
        </dl>
      </section>

      {action === 'rename' && <RenameMachineDialog machine={m} onClose={close} />}
      {action === 'expire' && <ExpireMachineDialog machine={m} onClose={close} />}
      {action === 'expiry' && <SetExpiryDialog machine={m} onClose={close} />}
      {action === 'tags' && <SetTagsDialog machine={m} onClose={close} />}
      {action === 'routes' && <RoutesDialog machine={m} onClose={close} />}
      {action === 'exit' && <ExitNodeDialog machine={m} onClose={close} />}
      {action === 'delete' && (
        <DeleteMachineDialog
          machine={m}
          onClose={close}
          onDeleted={() => {
            void navigate('/machines');
          }}
        />
      )}
    </div>
  );
}

function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </>
  );
}

function Button({ onClick, children, danger = false }: { onClick: () => void; children: string; danger?: boolean }) {
  return (
    <button
      type="button"
      className={danger ? 'button button--danger button--small' : 'button button--secondary button--small'}
      onClick={onClick}
    >
      {children}
    </button>
  );
}

function routeList(routes: string[]): ReactNode {
  if (routes.length === 0) return <span className="muted">None</span>;
  return routes.map((r) => (
    <div key={r}>
      <code>{r}</code>
    </div>
  ));
}

function expiryText(m: Machine): string {
  const at = formatTime(m.expiry);
  if (!at) return 'Never';
  return m.expired ? `Expired ${at}` : at;
}

const registerMethods: Record<string, string> = {
  authkey: 'Pre-auth key',
  oidc: 'Single sign-on (OIDC)',
  cli: 'Command line or console',
  REGISTER_METHOD_AUTH_KEY: 'Pre-auth key',
  REGISTER_METHOD_OIDC: 'Single sign-on (OIDC)',
  REGISTER_METHOD_CLI: 'Command line or console',
};

function registerMethodLabel(method: string): string {
  return registerMethods[method] ?? (method || 'Unknown');
}
