import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { CodeBlock } from '@/components/ui/copy-button';
import { ErrorAlert } from '@/components/ui/error-alert';
import { FilterSelect } from '@/components/ui/filter-select';
import { StatusText } from '@/components/ui/status-text';
import type { PreAuthKey, PreAuthKeyFilter } from '@/features/keys/api/list-pre-auth-keys';
import { usePreAuthKeys } from '@/features/keys/api/list-pre-auth-keys';
import { ApiKeysSection } from '@/features/keys/components/api-keys-section';
import { CreatePreAuthKeyDialog } from '@/features/keys/components/create-pre-auth-key-dialog';
import { ExpirePreAuthKeyDialog } from '@/features/keys/components/expire-pre-auth-key-dialog';
import { NewKeyPanel } from '@/features/keys/components/new-key-panel';
import { connectCommand, formatTime } from '@/features/keys/components/rules';

/** A Headscale user, as the filters and the create dialog offer them. */
export type UserOption = { id: string; name: string };

export type KeysPageProps = {
  /** Headscale users (for generate_authkeys); undefined while loading or not offered. */
  users: UserOption[] | undefined;
  /** The caller's own linked Headscale user id, if any. */
  ownUserId: string | undefined;
  /** Whether the caller may create keys for anyone, and tag-only keys (generate_authkeys). */
  canCreateForAnyone: boolean;
  /** Whether the caller manages Headscale's API keys (manage_apikeys). */
  canManageAPIKeys: boolean;
  /** Headscale's public URL, for the connect command. */
  loginServer: string | undefined;
};

const states = ['active', 'used', 'expired'] as const;
type State = (typeof states)[number];

/** filterFrom reads the pre-auth key filter from the page's search parameters. */
export function filterFrom(params: URLSearchParams): PreAuthKeyFilter {
  const filter: PreAuthKeyFilter = {};
  const user = params.get('user');
  if (user) filter.user = user;
  const state = params.get('state');
  if (states.includes(state as State)) filter.state = state as State;
  if (params.get('tagOnly') === 'true') filter.tagOnly = true;
  if (params.get('reusable') === 'true') filter.reusable = true;
  if (params.get('ephemeral') === 'true') filter.ephemeral = true;
  return filter;
}

/** KeysPage lists pre-auth keys (and, for owners and admins, Headscale's API keys) and creates them. */
export function KeysPage({ users, ownUserId, canCreateForAnyone, canManageAPIKeys, loginServer }: KeysPageProps) {
  const [params, setParams] = useSearchParams();
  const filter = filterFrom(params);
  const keys = usePreAuthKeys(filter);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<PreAuthKey | null>(null);
  const [expiring, setExpiring] = useState<PreAuthKey | null>(null);
  const filtered = Object.keys(filter).length > 0;
  const userName = (id: string | undefined) => users?.find((u) => u.id === id)?.name;

  const update = (name: string, value: string | undefined) => {
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        if (value) next.set(name, value);
        else next.delete(name);
        return next;
      },
      { replace: true },
    );
  };

  return (
    <div className="page">
      <title>Keys · Headway</title>
      <div className="page-title">
        <h1>Keys</h1>
      </div>

      <section aria-labelledby="preauthkeys-heading" className="keys__section">
        <div className="page-title">
          <h2 id="preauthkeys-heading">Pre-auth keys</h2>
          <button
            type="button"
            className="button"
            onClick={() => {
              setCreated(null);
              setCreating(true);
            }}
          >
            Create pre-auth key
          </button>
        </div>
        <p className="muted">
          A pre-auth key lets a device join the tailnet without signing in on it: for servers, containers and devices
          without a browser.
        </p>

        {created && (
          <NewKeyPanel
            title={created.user ? `New pre-auth key for ${created.user.name}` : 'New tag-only pre-auth key'}
            onDone={() => {
              setCreated(null);
            }}
          >
            <p>
              Valid until{' '}
              {created.expiration ? (
                <time dateTime={created.expiration}>{formatTime(created.expiration)}</time>
              ) : (
                'it is used'
              )}
              {created.aclTags.length > 0 && <> with the tags {created.aclTags.join(', ')}</>}. It is shown only this
              once: copy it now.
            </p>
            <CodeBlock value={created.key} label="Copy pre-auth key" />
            {loginServer && (
              <>
                <p>Connect a device with it:</p>
                <CodeBlock value={connectCommand(loginServer, created.key)} label="Copy command with the key" />
              </>
            )}
          </NewKeyPanel>
        )}

        <PreAuthKeyFilters params={params} users={canCreateForAnyone ? users : undefined} update={update} />

        {keys.isPending ? (
          <p role="status" className="muted">
            Loading pre-auth keys…
          </p>
        ) : keys.isError ? (
          <ErrorAlert
            title="Could not load the pre-auth keys"
            error={keys.error}
            onRetry={() => void keys.refetch()}
            retrying={keys.isFetching}
          />
        ) : keys.data.length === 0 ? (
          <div className="empty">
            <p>{filtered ? 'No pre-auth key matches these filters.' : 'There are no pre-auth keys yet.'}</p>
          </div>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">Pre-auth keys</caption>
              <thead>
                <tr>
                  <th scope="col">Key</th>
                  <th scope="col">User</th>
                  <th scope="col">Tags</th>
                  <th scope="col">Reusable</th>
                  <th scope="col">Ephemeral</th>
                  <th scope="col">Used</th>
                  <th scope="col">Status</th>
                  <th scope="col">Expiration</th>
                  <th scope="col">Created</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {keys.data.map((key) => (
                  <tr key={key.id}>
                    <th scope="row" className="table__name">
                      <code>{key.key}</code>
                    </th>
                    <td>
                      {key.tagOnly || !key.user ? (
                        <span className="muted">Tag-only</span>
                      ) : (
                        (userName(key.user.id) ?? key.user.name)
                      )}
                    </td>
                    <td>{key.aclTags.length > 0 ? key.aclTags.join(', ') : <span className="muted">None</span>}</td>
                    <td>{key.reusable ? 'Yes' : 'No'}</td>
                    <td>{key.ephemeral ? 'Yes' : 'No'}</td>
                    <td>{key.used ? 'Yes' : 'No'}</td>
                    <td>
                      {key.expired ? (
                        <StatusText tone="bad">Expired</StatusText>
                      ) : key.used && !key.reusable ? (
                        <StatusText tone="neutral">Used</StatusText>
                      ) : (
                        <StatusText tone="ok">Active</StatusText>
                      )}
                    </td>
                    <td>{formatTime(key.expiration) ?? <span className="muted">Never</span>}</td>
                    <td>{formatTime(key.createdAt) ?? <span className="muted">Unknown</span>}</td>
                    <td>
                      {!key.expired && (
                        <button
                          type="button"
                          className="button button--secondary button--small"
                          aria-label={`Expire ${key.key}`}
                          onClick={() => {
                            setExpiring(key);
                          }}
                        >
                          Expire
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      {canManageAPIKeys && <ApiKeysSection />}

      {creating && (
        <CreatePreAuthKeyDialog
          users={users}
          ownUserId={ownUserId}
          canCreateForAnyone={canCreateForAnyone}
          onClose={() => {
            setCreating(false);
          }}
          onCreated={(key) => {
            setCreating(false);
            setCreated(key);
          }}
        />
      )}
      {expiring && (
        <ExpirePreAuthKeyDialog
          preAuthKey={expiring}
          onClose={() => {
            setExpiring(null);
          }}
        />
      )}
    </div>
  );
}

type FiltersProps = {
  params: URLSearchParams;
  users: UserOption[] | undefined;
  update: (name: string, value: string | undefined) => void;
};

function PreAuthKeyFilters({ params, users, update }: FiltersProps) {
  const check = (name: string, label: string) => (
    <label>
      <input
        type="checkbox"
        checked={params.get(name) === 'true'}
        onChange={(event) => {
          update(name, event.target.checked ? 'true' : undefined);
        }}
      />{' '}
      {label}
    </label>
  );
  return (
    <div role="search" className="filters" aria-label="Filter pre-auth keys">
      {users && (
        <FilterSelect
          label="User"
          value={params.get('user') ?? ''}
          onChange={(value) => {
            update('user', value);
          }}
        >
          <option value="">Any user</option>
          {users.map((u) => (
            <option key={u.id} value={u.id}>
              {u.name}
            </option>
          ))}
        </FilterSelect>
      )}
      <FilterSelect
        label="State"
        value={params.get('state') ?? ''}
        onChange={(value) => {
          update('state', value);
        }}
      >
        <option value="">Any state</option>
        <option value="active">Active</option>
        <option value="used">Used</option>
        <option value="expired">Expired</option>
      </FilterSelect>
      <div className="filters__checks">
        {check('tagOnly', 'Tag-only')}
        {check('reusable', 'Reusable')}
        {check('ephemeral', 'Ephemeral')}
      </div>
    </div>
  );
}
