import { StatusText } from '@/components/ui/status-text';
import { useInfo } from '@/features/system/api/get-info';

/** HeadscaleSummary is a compact status line: is Headscale reachable, which version. */
export function HeadscaleSummary() {
  const info = useInfo();
  return (
    <section className="summary" aria-labelledby="summary-headscale">
      <h2 id="summary-headscale" className="summary__title">
        Headscale
      </h2>
      {info.isPending ? (
        <p role="status" className="muted">
          Checking Headscale…
        </p>
      ) : info.isError && !info.data ? (
        <p className="muted">Could not check Headscale: {info.error.message}</p>
      ) : (
        <p className="summary__line">
          {info.data.headscale.reachable ? (
            <StatusText tone="ok">Reachable</StatusText>
          ) : (
            <StatusText tone="bad">Unreachable</StatusText>
          )}
          {info.data.headscale.reachable && info.data.headscale.version && (
            <span>
              <span className="muted">version </span>
              <span>{info.data.headscale.version}</span>
            </span>
          )}
          {!info.data.headscale.reachable && (
            <span className="muted">{info.data.headscale.error ?? 'Headscale did not answer its health check.'}</span>
          )}
        </p>
      )}
    </section>
  );
}
