import { queryOptions, useQuery } from '@tanstack/react-query';
import { load } from 'js-yaml';
import { type ApiReference, toReference } from '@/features/api-docs/api/contract';
import { ApiError, toApiError } from '@/lib/api';

/** Where Headway serves its OpenAPI contract (YAML), to anyone. */
export const contractUrl = '/admin/api/openapi.yaml';

/**
 * getContract fetches the OpenAPI contract and reads it for the reference
 * page. Failures throw an ApiError, like every other call.
 */
export async function getContract({ signal }: { signal?: AbortSignal } = {}): Promise<ApiReference> {
  let response: Response;
  try {
    response = await globalThis.fetch(contractUrl, {
      signal,
      credentials: 'same-origin',
      headers: { Accept: 'application/yaml, text/yaml;q=0.9, */*;q=0.1' },
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError({
      status: 0,
      code: 'network_error',
      message: 'Could not reach Headway.',
      hint: 'Check your network connection and that the Headway server is running.',
      cause: err,
    });
  }
  if (!response.ok) {
    const body: unknown = await response.json().catch(() => undefined);
    throw toApiError(response, body);
  }
  const text = await response.text();
  try {
    return toReference(load(text));
  } catch (err) {
    throw new ApiError({
      status: response.status,
      code: 'invalid_contract',
      message: `The API contract could not be read: ${err instanceof Error ? err.message : String(err)}`,
      hint: 'A proxy in front of Headway may be rewriting responses.',
      cause: err,
    });
  }
}

export const getContractQueryOptions = () =>
  queryOptions({
    queryKey: ['contract'],
    // Not cancelled when the page goes away: the contract changes only with
    // the server, so a download once started is worth keeping for the session.
    queryFn: () => getContract(),
    staleTime: Infinity,
  });

export const useContract = () => useQuery(getContractQueryOptions());
