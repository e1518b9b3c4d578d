import { queryOptions, useQuery } from '@tanstack/react-query';
import type { components } from '@/api/schema';
import { api, unwrap } from '@/lib/api';

export type Onboarding = components['schemas']['Onboarding'];
export type Device = components['schemas']['DeviceSummary'];
export type Grantor = components['schemas']['Grantor'];

/** How often onboarding asks whether the first device has connected. */
export const devicePollInterval = 2_000;

export const onboardingQueryKey = ['onboarding'] as const;

/** getOnboarding fetches where the caller stands: the step, the command, their devices, who grants access. */
export const getOnboarding = ({ signal }: { signal?: AbortSignal } = {}): Promise<Onboarding> =>
  unwrap(api.GET('/onboarding', { signal }));

export const getOnboardingQueryOptions = () =>
  queryOptions({
    queryKey: onboardingQueryKey,
    queryFn: ({ signal }) => getOnboarding({ signal }),
  });

/**
 * useOnboarding reads the caller's onboarding; with waitForDevice it asks
 * again every two seconds until a device shows up.
 */
export const useOnboarding = ({ waitForDevice = false }: { waitForDevice?: boolean } = {}) =>
  useQuery({
    ...getOnboardingQueryOptions(),
    refetchInterval: waitForDevice
      ? (query) => ((query.state.data?.devices.length ?? 0) > 0 ? false : devicePollInterval)
      : false,
  });
