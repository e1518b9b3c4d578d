import { queryOptions, useQuery } from '@tanstack/react-query';
import type { components } from '@/api/schema';
import { api, unwrap } from '@/lib/api';

export type Diagnostics = components['schemas']['Diagnostics'];
export type DiagnosticCheck = components['schemas']['DiagnosticCheck'];

/** getDiagnostics runs the installation checks (those of `headway doctor`) on the server, now. */
export const getDiagnostics = ({ signal }: { signal?: AbortSignal } = {}): Promise<Diagnostics> =>
  unwrap(api.GET('/diagnostics', { signal }));

export const getDiagnosticsQueryOptions = () =>
  queryOptions({
    queryKey: ['diagnostics'],
    queryFn: ({ signal }) => getDiagnostics({ signal }),
    // The checks reach Headscale and the identity provider: run them when
    // the page opens and when asked, not whenever the window regains focus.
    staleTime: 0,
    refetchOnWindowFocus: false,
  });

export const useDiagnostics = () => useQuery(getDiagnosticsQueryOptions());
