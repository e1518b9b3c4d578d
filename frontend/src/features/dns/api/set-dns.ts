import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { components } from '@/api/schema';
import type { DNSSettings } from '@/features/dns/api/get-dns';
import { api, unwrap } from '@/lib/api';

export type DNSSaved = components['schemas']['DNSSaved'];

/** setDNS writes the DNS settings to Headscale's configuration file; Headscale applies them on restart. */
export const setDNS = (body: DNSSettings): Promise<DNSSaved> => unwrap(api.PUT('/dns', { body }));

export const useSetDNS = () => {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: setDNS, onSuccess: () => queryClient.invalidateQueries({ queryKey: ['dns'] }) });
};
