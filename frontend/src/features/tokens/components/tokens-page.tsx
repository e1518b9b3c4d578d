import { useId, useState } from 'react';
import { useSearchParams } from 'react-router';
import { ErrorAlert } from '@/components/ui/error-alert';
import { StatusText } from '@/components/ui/status-text';
import type { NewToken } from '@/features/tokens/api/create-token';
import { type Token, useTokens } from '@/features/tokens/api/list-tokens';
import { CreateTokenDialog } from '@/features/tokens/components/create-token-dialog';
import { NewTokenDialog } from '@/features/tokens/components/new-token-dialog';
import { RevokeTokenDialog } from '@/features/tokens/components/revoke-token-dialog';
import { type Role, roleLabel } from '@/lib/roles';

export type TokensPageProps = {
  /** The caller's console user id; undefined for a Headscale API key, which cannot own tokens. */
  userId: string | undefined;
  /** The roles the caller may give a token, highest first. */
  roles: readonly Role[];
  /** Whether the caller may see and revoke everyone's tokens (configure_iam). */
  canSeeAll: boolean;
};

/** Why someone signed in with a Headscale API key cannot create tokens. */
export const consoleUserReason =
  'Tokens belong to console users: sign in with single sign-on to create one. A Headscale API key already works as a bearer token.';

/**
 * TokensPage lists the caller's API tokens (or, for those with configure_iam,
 * everyone's), creates them, showing each new token once, and revokes them.
 */
export function TokensPage({ userId, roles, canSeeAll }: TokensPageProps) {
  const reasonId = useId();
  const [params, setParams] = useSearchParams();
  const all = canSeeAll && params.get('all') === 'true';
  const tokens = useTokens(all);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<NewToken | null>(null);
  const [revoking, setRevoking] = useState<Token | null>(null);
  const canCreate = userId !== undefined && roles.length > 0;

  return (
    <div className="page">
      <title>API tokens · Headway</title>
      <div className="page-title">
        <h1>API tokens</h1>
        <button
          type="button"
          className="button"
          disabled={!canCreate}
          aria-describedby={userId === undefined ? reasonId : undefined}
          onClick={() => {
            setCreating(true);
          }}
        >
          Create token
        </button>
      </div>
      <p className="muted">
        Personal tokens let scripts call Headway’s API as you, sent as <code>Authorization: Bearer hw_…</code>. Each
        has a role no higher than yours and acts with the lesser of the two.
      </p>
      {userId === undefined && (
        <p id={reasonId} className="field__help">
          {consoleUserReason}
        </p>
      )}

      {canSeeAll && (
        <div className="filters">
          <div className="filters__checks">
            <label>
              <input
                type="checkbox"
                checked={all}
                onChange={(event) => {
                  setParams(
                    (prev) => {
                      const next = new URLSearchParams(prev);
                      if (event.target.checked) next.set('all', 'true');
                      else next.delete('all');
                      return next;
                    },
                    { replace: true },
                  );
                }}
              />{' '}
              All users’ tokens
            </label>
          </div>
        </div>
      )}

      {tokens.isPending ? (
        <p role="status" className="muted">
          Loading tokens…
        </p>
      ) : tokens.isError ? (
        <ErrorAlert
          title="Could not load the tokens"
          error={tokens.error}
          onRetry={() => void tokens.refetch()}
          retrying={tokens.isFetching}
        />
      ) : tokens.data.tokens.length === 0 ? (
        <div className="empty">
          <p>{all ? 'Nobody has an API token yet.' : 'You have no API tokens yet.'}</p>
        </div>
      ) : (
        <TokenTable
          tokens={tokens.data.tokens}
          showOwner={all}
          onRevoke={(token) => {
            setRevoking(token);
          }}
        />
      )}

      {creating && (
        <CreateTokenDialog
          roles={roles}
          maxAgeDays={tokens.data?.maxAgeDays}
          onClose={() => {
            setCreating(false);
          }}
          onCreated={(token) => {
            setCreating(false);
            setCreated(token);
          }}
        />
      )}
      {created && (
        <NewTokenDialog
          created={created}
          onClose={() => {
            setCreated(null);
          }}
        />
      )}
      {revoking && (
        <RevokeTokenDialog
          token={revoking}
          own={revoking.owner.id === userId}
          onClose={() => {
            setRevoking(null);
          }}
        />
      )}
    </div>
  );
}

function formatTime(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const t = new Date(value);
  return Number.isNaN(t.getTime()) ? value : t.toLocaleString();
}

function TimeCell({ value, none }: { value: string | undefined; none: string }) {
  const shown = formatTime(value);
  return shown && value ? <time dateTime={value}>{shown}</time> : <span className="muted">{none}</span>;
}

function StateText({ token }: { token: Token }) {
  if (token.state === 'active') return <StatusText tone="ok">Active</StatusText>;
  if (token.state === 'expired') return <StatusText tone="bad">Expired</StatusText>;
  return <StatusText tone="neutral">Revoked</StatusText>;
}

type TokenTableProps = {
  tokens: Token[];
  showOwner: boolean;
  onRevoke: (token: Token) => void;
};

function TokenTable({ tokens, showOwner, onRevoke }: TokenTableProps) {
  return (
    // Focusable, so that keyboard users can scroll it when it is wider than the page.
    <div className="table-wrap" role="region" aria-label="API tokens" tabIndex={0}>
      <table className="table">
        <caption className="visually-hidden">API tokens</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            {showOwner && <th scope="col">Owner</th>}
            <th scope="col">Role</th>
            <th scope="col">State</th>
            <th scope="col">Created</th>
            <th scope="col">Last used</th>
            <th scope="col">Expires</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {tokens.map((token) => (
            <tr key={token.id}>
              <th scope="row" className="table__name">
                {token.name}
                <div>
                  <code>{token.prefix}…</code>
                </div>
              </th>
              {showOwner && (
                <td>
                  {token.owner.name || token.owner.email}
                  {token.owner.name && token.owner.email && <div className="muted small">{token.owner.email}</div>}
                </td>
              )}
              <td>
                {roleLabel(token.role)}
                {token.effectiveRole !== token.role && (
                  <div className="muted small">
                    Acts as {roleLabel(token.effectiveRole)}: its owner’s role is now {roleLabel(token.owner.role)}
                  </div>
                )}
              </td>
              <td>
                <StateText token={token} />
                {token.state === 'revoked' && token.revokedAt && (
                  <div className="muted small">
                    <TimeCell value={token.revokedAt} none="" />
                  </div>
                )}
              </td>
              <td>
                <TimeCell value={token.createdAt} none="Unknown" />
              </td>
              <td>
                <TimeCell value={token.lastUsedAt} none="Never" />
              </td>
              <td>
                <TimeCell value={token.expiresAt} none="Unknown" />
              </td>
              <td>
                {token.state === 'active' && (
                  <button
                    type="button"
                    className="button button--secondary button--small"
                    aria-label={`Revoke ${token.name}`}
                    onClick={() => {
                      onRevoke(token);
                    }}
                  >
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
