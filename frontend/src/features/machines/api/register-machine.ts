import { useMutation, useQueryClient } from '@tanstack/react-query';
import { invalidateMachines } from '@/features/machines/api/invalidate';
import type { Machine } from '@/features/machines/api/list-machines';
import { api, unwrap } from '@/lib/api';

/** registerMachine registers a machine waiting at its login URL for a Headscale user. */
export const registerMachine = ({ user, registrationId }: { user: string; registrationId: string }): Promise<Machine> =>
  unwrap(api.POST('/machines/register', { body: { user, registrationId } }));

export const useRegisterMachine = () => {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: registerMachine, onSuccess: () => invalidateMachines(queryClient) });
};
