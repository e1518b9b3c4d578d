import { useId, useState } from 'react';
import { CodeBlock } from '@/components/ui/copy-button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { ErrorAlert } from '@/components/ui/error-alert';
import { ExpiryField } from '@/components/ui/expiry-field';
import { splitError } from '@/components/ui/field-error';
import { FormDialog } from '@/components/ui/form-dialog';
import { StatusText } from '@/components/ui/status-text';
import { type NewAPIKey, useCreateAPIKey } from '@/features/keys/api/create-api-key';
import { useDeleteAPIKey } from '@/features/keys/api/delete-api-key';
import { useExpireAPIKey } from '@/features/keys/api/expire-api-key';
import { type APIKey, useAPIKeys } from '@/features/keys/api/list-api-keys';
import { NewKeyPanel } from '@/features/keys/components/new-key-panel';
import {
  apiKeyPresets,
  customDateHelp,
  customDateProblem,
  expirationFrom,
  formatTime,
} from '@/features/keys/components/rules';

/** Why Headway's own key cannot be expired or deleted here. */
export const ownKeyReason =
  'Headway uses this key: set a new one in headscale.api_key and restart Headway before expiring or deleting it.';

/** ApiKeysSection lists Headscale's API keys and creates, expires and deletes them (manage_apikeys). */
export function ApiKeysSection() {
  const keys = useAPIKeys();
  const reasonId = useId();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<NewAPIKey | null>(null);
  const [expiring, setExpiring] = useState<APIKey | null>(null);
  const [deleting, setDeleting] = useState<APIKey | null>(null);

  return (
    <section aria-labelledby="apikeys-heading" className="keys__section">
      <div className="page-title">
        <h2 id="apikeys-heading">API keys</h2>
        <button
          type="button"
          className="button"
          onClick={() => {
            setCreated(null);
            setCreating(true);
          }}
        >
          Create API key
        </button>
      </div>
      <p className="muted">
        Headscale API keys give full control of Headscale: for scripts, the CLI on another machine, and Headway itself.
      </p>

      {created && (
        <NewKeyPanel
          title="New API key"
          onDone={() => {
            setCreated(null);
          }}
        >
          <p>
            Valid until <time dateTime={created.expiration}>{formatTime(created.expiration)}</time>. It is shown only
            this once: copy it now.
          </p>
          <CodeBlock value={created.apiKey} label="Copy API key" />
        </NewKeyPanel>
      )}

      {keys.isPending ? (
        <p role="status" className="muted">
          Loading API keys…
        </p>
      ) : keys.isError ? (
        <ErrorAlert
          title="Could not load the API keys"
          error={keys.error}
          onRetry={() => void keys.refetch()}
          retrying={keys.isFetching}
        />
      ) : keys.data.length === 0 ? (
        <div className="empty">
          <p>There are no API keys.</p>
        </div>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">API keys</caption>
            <thead>
              <tr>
                <th scope="col">Prefix</th>
                <th scope="col">Status</th>
                <th scope="col">Created</th>
                <th scope="col">Last seen</th>
                <th scope="col">Expiration</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.data.map((key) => {
                const own = key.usedByHeadway;
                return (
                  <tr key={key.id}>
                    <th scope="row" className="table__name">
                      <code>{key.prefix}</code>
                      {own && (
                        <>
                          {' '}
                          <span className="badge">Used by Headway</span>
                        </>
                      )}
                    </th>
                    <td>
                      {key.expired ? (
                        <StatusText tone="bad">Expired</StatusText>
                      ) : (
                        <StatusText tone="ok">Active</StatusText>
                      )}
                    </td>
                    <td>{formatTime(key.createdAt) ?? <span className="muted">Unknown</span>}</td>
                    <td>{formatTime(key.lastSeen) ?? <span className="muted">Never</span>}</td>
                    <td>{formatTime(key.expiration) ?? <span className="muted">Never</span>}</td>
                    <td>
                      <div className="row-actions">
                        <button
                          type="button"
                          className="button button--secondary button--small"
                          aria-label={`Expire ${key.prefix}`}
                          disabled={own || key.expired}
                          aria-describedby={own ? `${reasonId}-${key.id}` : undefined}
                          onClick={() => {
                            setExpiring(key);
                          }}
                        >
                          Expire
                        </button>
                        <button
                          type="button"
                          className="button button--danger button--small"
                          aria-label={`Delete ${key.prefix}`}
                          disabled={own}
                          aria-describedby={own ? `${reasonId}-${key.id}` : undefined}
                          onClick={() => {
                            setDeleting(key);
                          }}
                        >
                          Delete
                        </button>
                      </div>
                      {own && (
                        <p id={`${reasonId}-${key.id}`} className="field__help">
                          {ownKeyReason}
                        </p>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}

      {creating && (
        <CreateAPIKeyDialog
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
        <ExpireAPIKeyDialog
          apiKey={expiring}
          onClose={() => {
            setExpiring(null);
          }}
        />
      )}
      {deleting && (
        <DeleteAPIKeyDialog
          apiKey={deleting}
          onClose={() => {
            setDeleting(null);
          }}
        />
      )}
    </section>
  );
}

/** CreateAPIKeyDialog creates a Headscale API key; an expiration is required. */
function CreateAPIKeyDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (key: NewAPIKey) => void }) {
  const create = useCreateAPIKey();
  const [expiry, setExpiry] = useState('90d');
  const [customDate, setCustomDate] = useState('');
  const [tried, setTried] = useState(false);
  const expiration = expirationFrom(apiKeyPresets, expiry, customDate);
  const { field, form } = splitError(create.error, ['expiration_invalid']);
  return (
    <FormDialog
      open
      title="Create API key"
      submitLabel="Create key"
      pendingLabel="Creating…"
      pending={create.isPending}
      error={form}
      errorTitle="Could not create the API key"
      onCancel={onClose}
      onSubmit={() => {
        setTried(true);
        if (expiration === undefined) return;
        create.mutate({ expiration }, { onSuccess: onCreated });
      }}
    >
      <p>The key can do anything in Headscale. Keep it secret, and give it the shortest life that works.</p>
      <ExpiryField
        presets={apiKeyPresets}
        choice={expiry}
        customDate={customDate}
        onChoice={setExpiry}
        onCustomDate={setCustomDate}
        dateHelp={customDateHelp}
        problem={tried && expiration === undefined ? customDateProblem : undefined}
        serverError={field}
      />
    </FormDialog>
  );
}

function ExpireAPIKeyDialog({ apiKey, onClose }: { apiKey: APIKey; onClose: () => void }) {
  const expire = useExpireAPIKey();
  return (
    <ConfirmDialog
      open
      title={`Expire API key ${apiKey.prefix}?`}
      confirmLabel="Expire key"
      pendingLabel="Expiring…"
      pending={expire.isPending}
      error={expire.error ?? undefined}
      errorTitle="Could not expire the API key"
      onCancel={onClose}
      onConfirm={() => {
        expire.mutate(apiKey.prefix, { onSuccess: onClose });
      }}
    >
      <p>Scripts and tools using this key stop working at once.</p>
    </ConfirmDialog>
  );
}

function DeleteAPIKeyDialog({ apiKey, onClose }: { apiKey: APIKey; onClose: () => void }) {
  const remove = useDeleteAPIKey();
  return (
    <ConfirmDialog
      open
      title={`Delete API key ${apiKey.prefix}?`}
      confirmLabel="Delete key"
      pendingLabel="Deleting…"
      pending={remove.isPending}
      error={remove.error ?? undefined}
      errorTitle="Could not delete the API key"
      onCancel={onClose}
      onConfirm={() => {
        remove.mutate(apiKey.prefix, { onSuccess: onClose });
      }}
    >
      <p>Scripts and tools using this key stop working at once, and it disappears from this list.</p>
    </ConfirmDialog>
  );
}
