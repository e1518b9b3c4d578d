import { useMutation } from '@tanstack/react-query';
import type { components } from '@/api/schema';
import { api, unwrap } from '@/lib/api';

export type NewPreAuthKey = components['schemas']['NewPreAuthKey'];

/**
 * createOwnPreAuthKey creates a one-hour pre-auth key for the caller's own
 * Headscale user. The full key is in this answer only; nothing caches it.
 */
export const createOwnPreAuthKey = (): Promise<NewPreAuthKey> => unwrap(api.POST('/onboarding/preauthkey'));

export const useCreateOwnPreAuthKey = () => useMutation({ mutationFn: createOwnPreAuthKey });
