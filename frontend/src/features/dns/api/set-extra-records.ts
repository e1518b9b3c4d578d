import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ExtraRecord } from '@/features/dns/api/get-dns';
import { api, unwrap } from '@/lib/api';

/** setExtraRecords replaces the extra A and AAAA records; Headscale applies them at once. */
export const setExtraRecords = (records: ExtraRecord[]): Promise<ExtraRecord[]> =>
  unwrap(api.PUT('/dns/extra-records', { body: { records } })).then((r) => r.records);

export const useSetExtraRecords = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: setExtraRecords,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['dns'] }),
  });
};
