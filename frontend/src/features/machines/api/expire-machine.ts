import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { components } from '@/api/schema';
import { invalidateMachines } from '@/features/machines/api/invalidate';
import type { Machine } from '@/features/machines/api/list-machines';
import { api, unwrap } from '@/lib/api';

export type ExpireMachine = components['schemas']['ExpireMachine'];

/**
 * expireMachine expires a machine's key now (no fields), at a time (expiry),
 * or never (disableExpiry).
 */
export const expireMachine = ({ id, ...body }: { id: string } & ExpireMachine): Promise<Machine> =>
  unwrap(api.POST('/machines/{machineId}/expire', { params: { path: { machineId: id } }, body }));

export const useExpireMachine = () => {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: expireMachine, onSuccess: () => invalidateMachines(queryClient) });
};
