import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type Onboarding, onboardingQueryKey } from '@/features/onboarding/api/get-onboarding';
import { api, unwrap } from '@/lib/api';

/** linkSelf links the caller to an unclaimed local Headscale user. */
export const linkSelf = ({ headscaleUserId }: { headscaleUserId: string }): Promise<Onboarding> =>
  unwrap(api.POST('/onboarding/link', { body: { headscaleUserId } }));

export const useLinkSelf = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: linkSelf,
    onSuccess: async (onboarding) => {
      queryClient.setQueryData(onboardingQueryKey, onboarding);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ['me'] }),
        queryClient.invalidateQueries({ queryKey: ['headscale-users'] }),
      ]);
    },
  });
};
