import { queryOptions, useQuery } from '@tanstack/react-query';
import type { components } from '@/api/schema';
import { api, unwrap } from '@/lib/api';

export type DNS = components['schemas']['DNS'];
export type DNSSettings = components['schemas']['DNSSettings'];
export type ExtraRecord = components['schemas']['ExtraRecord'];

/** getDNS fetches the DNS settings from Headscale's configuration file, and the extra records. */
export const getDNS = ({ signal }: { signal?: AbortSignal } = {}): Promise<DNS> => unwrap(api.GET('/dns', { signal }));

export const getDNSQueryOptions = () =>
  queryOptions({ queryKey: ['dns', 'detail'], queryFn: ({ signal }) => getDNS({ signal }), refetchOnWindowFocus: false });

export const useDNS = () => useQuery(getDNSQueryOptions());
