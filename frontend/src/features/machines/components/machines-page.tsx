import { useId, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { CodeBlock } from '@/components/ui/copy-button';
import { ErrorAlert } from '@/components/ui/error-alert';
import { FilterSelect } from '@/components/ui/filter-select';
import { type Machine, type MachineFilter, useMachines } from '@/features/machines/api/list-machines';
import { DataAge } from '@/features/machines/components/data-age';
import { MachineBadges, ownerName } from '@/features/machines/components/machine-badges';
import { RegisterMachineDialog } from '@/features/machines/components/register-machine-dialog';
import { formatTime } from '@/features/machines/components/rules';
import { type UpdateParams, useDebouncedParam } from '@/lib/use-debounced-param';

/** A Headscale user, as the filters and the register dialog offer them. */
export type UserOption = { id: string; name: string };

type MachinesPageProps = {
  /** Headscale users for the user filter; undefined while loading. */
  users: UserOption[] | undefined;
  /** Headscale's public URL, for the "connect one" command. */
  loginServer: string | undefined;
  /** Whether the viewer may register machines (write_machines). */
  canRegister: boolean;
};

export const pageSize = 50;

type Sort = NonNullable<MachineFilter['sort']>;
type Order = NonNullable<MachineFilter['order']>;
type Status = NonNullable<MachineFilter['status']>;

const sorts: readonly Sort[] = ['name', 'lastSeen', 'created', 'user'];
const statuses: readonly Status[] = ['online', 'offline', 'expired'];

/** The search parameters that filter (as opposed to sort or page). */
const filterParams = ['q', 'status', 'user', 'tag', 'routes', 'exitNode'] as const;

/** filterFrom reads the list's filter from the page's search parameters. */
export function filterFrom(params: URLSearchParams): MachineFilter {
  const filter: MachineFilter = {};
  const q = params.get('q')?.trim();
  if (q) filter.q = q;
  const status = params.get('status');
  if (statuses.includes(status as Status)) filter.status = status as Status;
  const user = params.get('user');
  if (user) filter.user = user;
  const tag = params.get('tag')?.trim();
  if (tag) filter.tag = tag;
  if (params.get('routes') === 'true') filter.routes = true;
  if (params.get('exitNode') === 'true') filter.exitNode = true;
  const sort = params.get('sort');
  filter.sort = sorts.includes(sort as Sort) ? (sort as Sort) : 'name';
  filter.order = params.get('order') === 'desc' ? 'desc' : 'asc';
  const page = Number(params.get('page'));
  filter.page = Number.isInteger(page) && page > 1 ? page : 1;
  filter.pageSize = pageSize;
  return filter;
}

/**
 * MachinesPage lists the tailnet's machines: searched, filtered, sorted and
 * paged by the server, with everything in the URL so a view can be shared.
 * It reads the list again every few seconds.
 */
export function MachinesPage({ users, loginServer, canRegister }: MachinesPageProps) {
  const [params, setParams] = useSearchParams();
  const filter = filterFrom(params);
  const machines = useMachines(filter);
  const [registering, setRegistering] = useState(false);
  const [registered, setRegistered] = useState<Machine | null>(null);
  const filtered = filterParams.some((name) => params.has(name));

  /** update changes search parameters; any change but paging starts again at page 1. */
  const update = (changes: Record<string, string | undefined>, { replace = false } = {}) => {
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        for (const [name, value] of Object.entries(changes)) {
          if (value === undefined || value === '') next.delete(name);
          else next.set(name, value);
        }
        if (!('page' in changes)) next.delete('page');
        return next;
      },
      { replace },
    );
  };

  const clearFilters = () => {
    update(Object.fromEntries(filterParams.map((name) => [name, undefined])));
  };

  const sortBy = (sort: Sort) => {
    const order: Order = filter.sort === sort && filter.order === 'asc' ? 'desc' : 'asc';
    update({ sort, order });
  };

  const data = machines.data;
  const page = data?.page ?? filter.page ?? 1;
  const first = data && data.total > 0 ? (page - 1) * data.pageSize + 1 : 0;
  const last = data ? Math.min(data.total, (page - 1) * data.pageSize + data.machines.length) : 0;
  const hasNext = data ? page * data.pageSize < data.total : false;

  return (
    <div className="page">
      <title>Machines · Headway</title>
      <div className="page-title">
        <h1>Machines</h1>
        {canRegister && (
          <button
            type="button"
            className="button"
            onClick={() => {
              setRegistered(null);
              setRegistering(true);
            }}
          >
            Register a machine
          </button>
        )}
      </div>

      {registered && (
        <p role="status" className="notice">
          Registered <Link to={`/machines/${registered.id}`}>{registered.givenName}</Link>
          {registered.user ? ` for ${registered.user.name}` : ''}.
        </p>
      )}

      <Filters
        params={params}
        users={users}
        update={update}
      />

      {machines.isPending ? (
        <p role="status" className="muted">
          Loading machines…
        </p>
      ) : machines.isError && !data ? (
        <ErrorAlert
          title="Could not load the machines"
          error={machines.error}
          onRetry={() => void machines.refetch()}
          retrying={machines.isFetching}
        />
      ) : data ? (
        <>
          <DataAge dataAge={data.dataAge} stale={data.stale} receivedAt={machines.dataUpdatedAt} />
          {machines.isError && (
            <ErrorAlert title="Could not refresh the machines" error={machines.error} />
          )}
          {data.total === 0 && !filtered ? (
            <div className="empty">
              <p>
                <strong>No machines yet:</strong> connect one with{' '}
                {loginServer ? 'this command on the device:' : <code>tailscale up --login-server …</code>}
              </p>
              {loginServer && (
                <CodeBlock value={`tailscale up --login-server ${loginServer}`} label="Copy the connect command" />
              )}
              {canRegister && (
                <p className="muted">
                  If the device shows a login URL instead, use <strong>Register a machine</strong> with it.
                </p>
              )}
            </div>
          ) : data.total === 0 ? (
            <div className="empty">
              <p>No machine matches these filters.</p>
              <button type="button" className="button button--secondary" onClick={clearFilters}>
                Clear filters
              </button>
            </div>
          ) : data.machines.length === 0 ? (
            <div className="empty">
              <p>There are no machines on page {page}.</p>
              <button
                type="button"
                className="button button--secondary"
                onClick={() => {
                  update({ page: undefined });
                }}
              >
                Go to the first page
              </button>
            </div>
          ) : (
            <MachineTable machines={data.machines} sort={filter.sort ?? 'name'} order={filter.order ?? 'asc'} onSort={sortBy} />
          )}
          {data.total > 0 && (
            <nav aria-label="Pages" className="pager">
              <p aria-live="polite">
                Showing {first}–{last} of {data.total}
              </p>
              <div className="pager__buttons">
                <button
                  type="button"
                  className="button button--secondary button--small"
                  disabled={page <= 1}
                  onClick={() => {
                    update({ page: page - 1 > 1 ? String(page - 1) : undefined });
                  }}
                >
                  Previous
                </button>
                <button
                  type="button"
                  className="button button--secondary button--small"
                  disabled={!hasNext}
                  onClick={() => {
                    update({ page: String(page + 1) });
                  }}
                >
                  Next
                </button>
              </div>
            </nav>
          )}
        </>
      ) : null}

      {registering && (
        <RegisterMachineDialog
          users={users ?? []}
          onClose={() => {
            setRegistering(false);
          }}
          onRegistered={(machine) => {
            setRegistering(false);
            setRegistered(machine);
          }}
        />
      )}
    </div>
  );
}

type FiltersProps = {
  params: URLSearchParams;
  users: UserOption[] | undefined;
  update: UpdateParams;
};

/** Filters are the search box and filter controls; typing is sent after a short pause. */
function Filters({ params, users, update }: FiltersProps) {
  const id = useId();
  const [search, setSearch] = useDebouncedParam(params, 'q', update);
  const [tag, setTag] = useDebouncedParam(params, 'tag', update);
  const user = params.get('user') ?? '';
  const knownUser = users?.some((u) => u.id === user) ?? false;

  return (
    <div role="search" className="filters" aria-label="Filter machines">
      <div className="field filters__search">
        <label htmlFor={`${id}-q`}>Search</label>
        <input
          id={`${id}-q`}
          type="search"
          className="input"
          value={search}
          placeholder="Name, address, user or tag"
          onChange={(event) => {
            setSearch(event.target.value);
          }}
        />
      </div>
      <FilterSelect
        label="Status"
        value={params.get('status') ?? ''}
        onChange={(value) => {
          update({ status: value });
        }}
      >
        <option value="">Any status</option>
        <option value="online">Online</option>
        <option value="offline">Offline</option>
        <option value="expired">Expired</option>
      </FilterSelect>
      <FilterSelect
        label="User"
        value={user}
        onChange={(value) => {
          update({ user: value });
        }}
      >
        <option value="">Any user</option>
        {user !== '' && !knownUser && <option value={user}>{users ? 'Unknown user' : 'Loading…'}</option>}
        {users?.map((u) => (
          <option key={u.id} value={u.id}>
            {u.name}
          </option>
        ))}
      </FilterSelect>
      <div className="field">
        <label htmlFor={`${id}-tag`}>Tag</label>
        <input
          id={`${id}-tag`}
          className="input"
          value={tag}
          placeholder="tag:server"
          autoComplete="off"
          spellCheck={false}
          onChange={(event) => {
            setTag(event.target.value);
          }}
        />
      </div>
      <div className="filters__checks">
        <label>
          <input
            type="checkbox"
            checked={params.get('routes') === 'true'}
            onChange={(event) => {
              update({ routes: event.target.checked ? 'true' : undefined });
            }}
          />{' '}
          Advertises routes
        </label>
        <label>
          <input
            type="checkbox"
            checked={params.get('exitNode') === 'true'}
            onChange={(event) => {
              update({ exitNode: event.target.checked ? 'true' : undefined });
            }}
          />{' '}
          Offers an exit node
        </label>
      </div>
    </div>
  );
}

type MachineTableProps = {
  machines: Machine[];
  sort: Sort;
  order: Order;
  onSort: (sort: Sort) => void;
};

function MachineTable({ machines, sort, order, onSort }: MachineTableProps) {
  const header = (column: Sort, label: string) => {
    const active = sort === column;
    return (
      <th scope="col" aria-sort={active ? (order === 'asc' ? 'ascending' : 'descending') : undefined}>
        <button
          type="button"
          className="sort-button"
          onClick={() => {
            onSort(column);
          }}
        >
          {label}
          <span aria-hidden="true" className="sort-button__mark">
            {active ? (order === 'asc' ? ' ▲' : ' ▼') : ''}
          </span>
        </button>
      </th>
    );
  };
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="visually-hidden">Machines</caption>
        <thead>
          <tr>
            {header('name', 'Name')}
            {header('user', 'User')}
            <th scope="col">Addresses</th>
            <th scope="col">Status</th>
            {header('lastSeen', 'Last seen')}
            {header('created', 'Created')}
          </tr>
        </thead>
        <tbody>
          {machines.map((machine) => (
            <tr key={machine.id}>
              <th scope="row" className="table__name">
                <Link to={`/machines/${machine.id}`}>{machine.givenName}</Link>
                {machine.name !== machine.givenName && <div className="muted small">{machine.name}</div>}
              </th>
              <td>{machine.user ? ownerName(machine) : <span className="muted">Tagged</span>}</td>
              <td className="addresses">
                {machine.ipAddresses.map((ip) => (
                  <div key={ip}>
                    <code>{ip}</code>
                  </div>
                ))}
              </td>
              <td>
                <MachineBadges machine={machine} />
              </td>
              <td>
                {machine.online ? 'Now' : (formatTime(machine.lastSeen) ?? <span className="muted">Never</span>)}
              </td>
              <td>{formatTime(machine.createdAt) ?? <span className="muted">Unknown</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
