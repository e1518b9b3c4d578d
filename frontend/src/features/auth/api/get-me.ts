import { queryOptions, useQuery } from '@tanstack/react-query';
import type { components } from '@/api/schema';
import { ApiError, api, setCsrfToken, unwrap } from '@/lib/api';
import { allCapabilities } from '@/lib/roles';

export type Me = components['schemas']['Me'];

export const meQueryKey = ['me'] as const;

/**
 * getMe fetches who is signed in, and keeps the session's CSRF token for the
 * requests that need it. Without a session it throws an ApiError with status 401.
 */
export async function getMe({ signal }: { signal?: AbortSignal } = {}): Promise<Me> {
  try {
    const me = await unwrap(api.GET('/me', { signal }));
    setCsrfToken(me.csrfToken);
    return me;
  } catch (err) {
    if (isUnauthenticated(err)) setCsrfToken(undefined);
    throw err;
  }
}

/** isUnauthenticated tells a "not signed in" answer from other failures. */
export function isUnauthenticated(err: unknown): boolean {
  return err instanceof ApiError && err.status === 401;
}

export const getMeQueryOptions = () =>
  queryOptions({
    queryKey: meQueryKey,
    queryFn: ({ signal }) => getMe({ signal }),
    // A 401 is an answer (not signed in), not a failure to retry.
    retry: (failures, error) =>
      !(error instanceof ApiError && error.status >= 400 && error.status < 500) && failures < 2,
  });

export const useMe = () => useQuery(getMeQueryOptions());

/**
 * capabilitiesOf returns what the caller may do, as GET /me said. API-key and
 * bearer sessions act as Headscale's administrator: everything but ownership,
 * should the server list nothing for them. It only shapes the interface: the
 * server checks every call.
 */
export function capabilitiesOf(me: Me): readonly string[] {
  if (me.kind !== 'oidc' && me.capabilities.length === 0) return allCapabilities.filter((c) => c !== 'owner');
  return me.capabilities;
}

/** can reports whether the caller holds capability (see capabilitiesOf). */
export function can(me: Me, capability: string): boolean {
  return capabilitiesOf(me).includes(capability);
}

/** needsOnboarding reports whether the guard should send the caller to onboarding first. */
export function needsOnboarding(me: Me): boolean {
  return me.kind === 'oidc' && me.needsOnboarding;
}

/** displayName is how the header names who is signed in. */
export function displayName(me: Me): string {
  if (me.kind === 'api_key') return `API key ${apiKeyLabel(me.apiKeyPrefix)}`;
  const user = me.user;
  return user?.name || user?.email || user?.preferredUsername || 'Signed-in user';
}

/**
 * apiKeyLabel shows a key's public prefix the way Headscale's keys start:
 * "hskey-api-<prefix>…" for current keys, "<prefix>…" for legacy ones.
 */
export function apiKeyLabel(prefix: string | undefined): string {
  if (!prefix) return '(unknown prefix)';
  const bare = prefix.replace(/-?\*+$/, '');
  if (bare.startsWith('hskey-api-')) return `${bare}…`;
  return bare.length === 12 ? `hskey-api-${bare}…` : `${bare}…`;
}
