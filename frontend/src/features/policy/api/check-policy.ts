import { useMutation } from '@tanstack/react-query';
import type { components } from '@/api/schema';
import { api, unwrap } from '@/lib/api';

export type PolicyCheck = components['schemas']['PolicyCheck'];

/** checkPolicy asks Headscale whether policy is valid, without saving it. */
export const checkPolicy = (policy: string): Promise<PolicyCheck> =>
  unwrap(api.POST('/policy/check', { body: { policy } }));

export const useCheckPolicy = () => useMutation({ mutationFn: checkPolicy });
