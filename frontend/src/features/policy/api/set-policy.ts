import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { components } from '@/api/schema';
import type { Policy } from '@/features/policy/api/get-policy';
import { api, unwrap } from '@/lib/api';

export type SetPolicy = components['schemas']['SetPolicy'];

/**
 * setPolicy saves the policy if it is still at baseVersion (else
 * policy_conflict) and Headscale accepts it (else policy_invalid).
 */
export const setPolicy = (body: SetPolicy): Promise<Policy> => unwrap(api.PUT('/policy', { body }));

export const useSetPolicy = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: setPolicy,
    onSuccess: (saved) => {
      queryClient.setQueryData(['policy', 'detail'], saved);
    },
  });
};
