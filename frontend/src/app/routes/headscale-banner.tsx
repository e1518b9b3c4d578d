import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useSyncExternalStore } from 'react';
import { Link } from 'react-router';
import { type Me, can, useMe } from '@/features/auth/api/get-me';
import { useInfo } from '@/features/system/api/get-info';
import { ApiError } from '@/lib/api';

type Problem = 'headscale_key_invalid' | 'headscale_unavailable' | '';

/**
 * useHeadscaleProblem watches every query: it reports headscale_key_invalid
 * when any has failed with it (the worse), else headscale_unavailable, else
 * nothing. A query that succeeds again clears its failure.
 */
function useHeadscaleProblem(): Problem {
  const cache = useQueryClient().getQueryCache();
  const subscribe = useCallback((onChange: () => void) => cache.subscribe(onChange), [cache]);
  const snapshot = useCallback((): Problem => {
    let found: Problem = '';
    for (const query of cache.getAll()) {
      const { error, status } = query.state;
      if (status !== 'error' || !(error instanceof ApiError)) continue;
      if (error.code === 'headscale_key_invalid') return 'headscale_key_invalid';
      if (error.code === 'headscale_unavailable') found = 'headscale_unavailable';
    }
    return found;
  }, [cache]);
  return useSyncExternalStore(subscribe, snapshot, snapshot);
}

/** Owners and admins can fix Headway's configuration; API-key sessions act as admin. */
function canFixConfig(me: Me | undefined): boolean {
  if (!me) return false;
  if (me.kind !== 'oidc') return true;
  return me.user?.role === 'owner' || me.user?.role === 'admin';
}

/**
 * HeadscaleBanner runs across the app when Headscale refuses Headway's API
 * key (nothing works until someone fixes it) or, smaller, when Headscale
 * does not answer.
 */
export function HeadscaleBanner() {
  const problem = useHeadscaleProblem();
  const me = useMe();
  if (problem === 'headscale_key_invalid') {
    return (
      <div role="alert" className="site-banner alert alert--error">
        <p className="alert__title">Headscale refused Headway&apos;s API key</p>
        {canFixConfig(me.data) ? (
          <p>
            Headway&apos;s Headscale API key was refused — create a new one (<code>headscale apikeys create</code>) and
            set <code>headscale.api_key</code>; run <code>headway doctor</code> to check.
          </p>
        ) : (
          <p>Machines and Headscale users cannot be shown or changed until an administrator sets a new key.</p>
        )}
      </div>
    );
  }
  if (problem === 'headscale_unavailable') {
    return (
      <div role="status" className="site-banner site-banner--small alert alert--warning">
        <p>Headscale is not answering: changes cannot be made and what is shown may be out of date.</p>
      </div>
    );
  }
  return null;
}

/**
 * ApiKeyExpiryBanner warns those who manage API keys (owners and admins) that
 * the key Headway uses to reach Headscale expires within 30 days. (Once it
 * has expired, Headscale refuses it and HeadscaleBanner says so.)
 */
export function ApiKeyExpiryBanner() {
  const me = useMe();
  const info = useInfo();
  const headscale = info.data?.headscale;
  if (!me.data || !can(me.data, 'manage_apikeys') || !headscale?.apiKeyExpiresSoon) return null;
  const at = headscale.apiKeyExpiresAt ? new Date(headscale.apiKeyExpiresAt) : undefined;
  const date = at && !Number.isNaN(at.getTime()) ? at.toLocaleDateString() : undefined;
  return (
    <div role="status" className="site-banner alert alert--warning">
      <p>
        Headway&apos;s Headscale API key expires{date ? ` on ${date}` : ' soon'} — create a new one and set <code>headscale.api_key</code>.{' '}
        <Link to="/keys">Manage API keys</Link>
      </p>
    </div>
  );
}
