import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { components } from '@/api/schema';
import { api, unwrap } from '@/lib/api';

export type CreateToken = components['schemas']['CreateToken'];
export type NewToken = components['schemas']['NewToken'];

/** createToken creates an API token for the caller; the whole token is in this answer only. */
export const createToken = (body: CreateToken): Promise<NewToken> => unwrap(api.POST('/tokens', { body }));

export const useCreateToken = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createToken,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['tokens'] }),
  });
};
