import { queryOptions, useQuery } from '@tanstack/react-query';
import type { components } from '@/api/schema';
import { api, unwrap } from '@/lib/api';

export type APIKey = components['schemas']['APIKey'];

/** listAPIKeys fetches Headscale's API keys (their prefixes only). */
export const listAPIKeys = ({ signal }: { signal?: AbortSignal } = {}): Promise<APIKey[]> =>
  unwrap(api.GET('/apikeys', { signal })).then((list) => list.apiKeys);

export const listAPIKeysQueryOptions = () =>
  queryOptions({ queryKey: ['apiKeys', 'list'], queryFn: ({ signal }) => listAPIKeys({ signal }) });

export const useAPIKeys = ({ enabled = true }: { enabled?: boolean } = {}) =>
  useQuery({ ...listAPIKeysQueryOptions(), enabled });
