import { ErrorAlert } from '@/components/ui/error-alert';
import { StatusText } from '@/components/ui/status-text';
import { type DiagnosticCheck, type Diagnostics, useDiagnostics } from '@/features/system/api/get-diagnostics';

const statusText = {
  pass: <StatusText tone="ok">Pass</StatusText>,
  warn: <StatusText tone="warn">Warning</StatusText>,
  fail: <StatusText tone="bad">Fail</StatusText>,
} as const;

/** DiagnosticsPage runs the installation checks and shows each outcome, with the fix for what did not pass. */
export function DiagnosticsPage() {
  const diagnostics = useDiagnostics();
  const running = diagnostics.isFetching;
  return (
    <div className="page">
      <title>Diagnostics · Headway</title>
      <div className="page-title">
        <h1>Diagnostics</h1>
        <button
          type="button"
          className="button"
          disabled={running}
          onClick={() => void diagnostics.refetch()}
        >
          {running ? 'Running…' : 'Run again'}
        </button>
      </div>
      <p className="muted">
        The checks of <code>headway doctor</code>, run now by this server against its configuration. Secrets are
        masked.
      </p>

      {diagnostics.isPending ? (
        <p role="status" className="muted">
          Running the checks…
        </p>
      ) : diagnostics.isError ? (
        <ErrorAlert
          title="Could not run the checks"
          error={diagnostics.error}
          onRetry={() => void diagnostics.refetch()}
          retrying={running}
        />
      ) : (
        <>
          <Overall result={diagnostics.data} />
          <p className="muted data-age">
            Checked{' '}
            <time dateTime={new Date(diagnostics.dataUpdatedAt).toISOString()}>
              {new Date(diagnostics.dataUpdatedAt).toLocaleTimeString()}
            </time>
          </p>
          <CheckList checks={diagnostics.data.checks} />
        </>
      )}
    </div>
  );
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Overall says at the top whether the installation is sound, and what to look at. */
function Overall({ result }: { result: Diagnostics }) {
  const failed = result.checks.filter((c) => c.status === 'fail');
  const warned = result.checks.filter((c) => c.status === 'warn');
  const names = (checks: DiagnosticCheck[]) => checks.map((c) => c.name).join(', ');
  if (!result.ok || failed.length > 0) {
    return (
      <div role="status" className="alert alert--error">
        <p className="alert__title">
          {failed.length > 0 ? `${count(failed.length, 'check', 'checks')} failed` : 'The installation has a problem'}
          {warned.length > 0 && `, ${count(warned.length, 'warning', 'warnings')}`}
        </p>
        {failed.length > 0 && <p>Fix first: {names(failed)}.</p>}
      </div>
    );
  }
  if (warned.length > 0) {
    return (
      <div role="status" className="alert alert--warning">
        <p className="alert__title">
          All checks passed, with {count(warned.length, 'warning', 'warnings')}
        </p>
        <p>Look at: {names(warned)}.</p>
      </div>
    );
  }
  return (
    <p role="status" className="notice">
      <strong>All {count(result.checks.length, 'check', 'checks')} passed.</strong>
    </p>
  );
}

/** CheckList shows every check: its name and outcome, what it found, and the fix. */
function CheckList({ checks }: { checks: DiagnosticCheck[] }) {
  if (checks.length === 0) return <p>No checks ran.</p>;
  return (
    <ul className="checks" aria-label="Checks">
      {checks.map((check, index) => (
        <li key={`${check.name}-${String(index)}`} className={`check check--${check.status}`}>
          <div className="check__head">
            <code className="check__name">{check.name}</code> {statusText[check.status]}
          </div>
          <div className="check__body">
            <p>{check.detail}</p>
            {check.fix && (
              <p className="check__fix">
                <strong>Fix:</strong> {check.fix}
              </p>
            )}
          </div>
        </li>
      ))}
    </ul>
  );
}
