import { useState } from 'react';
import { ErrorAlert } from '@/components/ui/error-alert';
import { useCompleteOnboarding } from '@/features/onboarding/api/complete-onboarding';
import { useOnboarding } from '@/features/onboarding/api/get-onboarding';
import { ConnectStep } from '@/features/onboarding/components/connect-step';
import { LinkStep } from '@/features/onboarding/components/link-step';

/**
 * OnboardingPage takes a first-time user from sign-in to a connected device:
 * link a Headscale user (when unclaimed ones exist), connect a device, then
 * onFinished (after finishing or skipping, which the server remembers).
 */
export function OnboardingPage({ onFinished }: { onFinished: () => void }) {
  const [skippedLink, setSkippedLink] = useState(false);
  const first = useOnboarding();
  const step = first.data?.step === 'link' && skippedLink ? 'connect' : first.data?.step;
  // Only the connect step waits for a device.
  const onboarding = useOnboarding({ waitForDevice: step === 'connect' });
  const complete = useCompleteOnboarding();

  const finish = () => {
    if (complete.isPending) return;
    complete.mutate(undefined, { onSuccess: onFinished });
  };

  return (
    <div className="page onboarding">
      <title>Get started · Headway</title>
      {onboarding.isPending ? (
        <p role="status" className="muted">
          Loading…
        </p>
      ) : onboarding.isError && !onboarding.data ? (
        <>
          <h1>Get started</h1>
          <ErrorAlert
            title="Could not load your onboarding"
            error={onboarding.error}
            onRetry={() => void onboarding.refetch()}
            retrying={onboarding.isFetching}
          />
        </>
      ) : step === 'link' ? (
        <LinkStep
          onboarding={onboarding.data}
          onNone={() => {
            setSkippedLink(true);
          }}
        />
      ) : step === 'connect' ? (
        <ConnectStep
          onboarding={onboarding.data}
          finishing={complete.isPending || complete.isSuccess}
          finishError={complete.error}
          onFinish={finish}
        />
      ) : (
        <>
          <h1>You are all set</h1>
          <p>Your Headscale user and devices are ready.</p>
          {complete.isError && <ErrorAlert title="Could not finish onboarding" error={complete.error} />}
          <button type="button" className="button" disabled={complete.isPending} onClick={finish}>
            {complete.isPending ? 'Continuing…' : 'Continue'}
          </button>
        </>
      )}
    </div>
  );
}
