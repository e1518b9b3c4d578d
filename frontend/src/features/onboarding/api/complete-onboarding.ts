import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type Onboarding, onboardingQueryKey } from '@/features/onboarding/api/get-onboarding';
import { api, unwrap } from '@/lib/api';

/** completeOnboarding finishes (or skips) onboarding; the server remembers it. */
export const completeOnboarding = (): Promise<Onboarding> => unwrap(api.POST('/onboarding/complete'));

/**
 * useCompleteOnboarding finishes onboarding and waits for GET /me to say so,
 * so the guard does not send the person straight back.
 */
export const useCompleteOnboarding = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: completeOnboarding,
    onSuccess: async (onboarding) => {
      queryClient.setQueryData(onboardingQueryKey, onboarding);
      await queryClient.refetchQueries({ queryKey: ['me'] });
    },
  });
};
