import type { Device } from '@/features/onboarding/api/get-onboarding';

/**
 * DeviceWaiter says, in a live region, whether a first device has connected:
 * "Waiting for your first device…" until one shows up, then its name and
 * addresses.
 */
export function DeviceWaiter({ devices }: { devices: Device[] }) {
  const device = devices[0];
  return (
    <section className="card onboarding__section" aria-labelledby="onboarding-device">
      <h2 id="onboarding-device">Your device</h2>
      <div role="status" aria-live="polite" className="onboarding__waiter">
        {device ? (
          <>
            <p className="onboarding__connected">
              <span aria-hidden="true">● </span>
              <strong>{device.givenName || device.name} is connected</strong>
            </p>
            {device.ipAddresses.length > 0 && (
              <p>
                Addresses:{' '}
                {device.ipAddresses.map((ip, i) => (
                  <span key={ip}>
                    {i > 0 && ', '}
                    <code>{ip}</code>
                  </span>
                ))}
              </p>
            )}
          </>
        ) : (
          <p className="muted">Waiting for your first device…</p>
        )}
      </div>
    </section>
  );
}
