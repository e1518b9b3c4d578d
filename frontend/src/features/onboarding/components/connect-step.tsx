import { ErrorAlert } from '@/components/ui/error-alert';
import type { Onboarding } from '@/features/onboarding/api/get-onboarding';
import { DeviceWaiter } from '@/features/onboarding/components/device-waiter';
import { PlatformTabs } from '@/features/onboarding/components/platform-tabs';
import { PreAuthKey } from '@/features/onboarding/components/pre-auth-key';

type ConnectStepProps = {
  onboarding: Onboarding;
  /** Finishing (or skipping): POST /onboarding/complete is running. */
  finishing: boolean;
  finishError: unknown;
  onFinish: () => void;
};

/** ConnectStep walks through connecting a first device and waits for it. */
export function ConnectStep({ onboarding, finishing, finishError, onFinish }: ConnectStepProps) {
  const { headscaleUser, loginServer, devices } = onboarding;
  const connected = devices.length > 0;
  const userName = headscaleUser ? headscaleUser.displayName || headscaleUser.name : undefined;

  return (
    <>
      <h1>Connect your first device</h1>
      {headscaleUser ? (
        <p>
          Install Tailscale on a device and point it at this Headscale. Devices you connect register as Headscale
          user <strong>{userName}</strong>.
        </p>
      ) : (
        <div role="note" className="alert alert--warning">
          <p className="alert__title">No Headscale user is linked to you yet</p>
          <p>
            Devices you connect now will register under the Headscale user an administrator links to your account.
            You can skip this step and connect a device later.
          </p>
        </div>
      )}

      <section className="card onboarding__section" aria-labelledby="onboarding-install">
        <h2 id="onboarding-install">Install and connect</h2>
        <PlatformTabs loginServer={loginServer} />
      </section>

      {onboarding.canGenerateKey && headscaleUser && userName && (
        <PreAuthKey loginServer={loginServer} userName={userName} />
      )}

      <DeviceWaiter devices={devices} />

      {finishError !== null && finishError !== undefined && (
        <ErrorAlert title="Could not finish onboarding" error={finishError} />
      )}
      <div className="onboarding__actions">
        {connected ? (
          <button type="button" className="button" disabled={finishing} onClick={onFinish}>
            {finishing ? 'Continuing…' : 'Continue'}
          </button>
        ) : (
          <button type="button" className="button button--secondary" disabled={finishing} onClick={onFinish}>
            {finishing ? 'Skipping…' : 'Skip for now'}
          </button>
        )}
      </div>
    </>
  );
}
