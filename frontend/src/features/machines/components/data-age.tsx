import { formatAge } from '@/features/machines/components/rules';
import { useNow } from '@/features/machines/components/use-now';

type DataAgeProps = {
  /** Seconds since the server read the data from Headscale, when it answered. */
  dataAge: number;
  /** Whether the server's last refresh from Headscale failed. */
  stale: boolean;
  /** When the answer arrived (ms since the epoch). */
  receivedAt: number;
};

/**
 * DataAge says how fresh the machines are, counting up locally between
 * answers, and warns when Headscale stopped answering.
 */
export function DataAge({ dataAge, stale, receivedAt }: DataAgeProps) {
  const now = useNow();
  const age = formatAge(dataAge + Math.max(0, now - receivedAt) / 1000);
  if (stale) {
    return (
      <div role="note" className="alert alert--warning">
        <p className="alert__title">Headscale is not answering; showing data from {age} ago</p>
        <p>Changes made since then do not show. Headway keeps trying.</p>
      </div>
    );
  }
  return <p className="muted data-age">Updated {age} ago</p>;
}
