import { RequireCapability } from '@/app/routes/require-access';
import { DiagnosticsPage } from '@/features/system/components/diagnostics-page';

/** DiagnosticsRoute runs the installation checks; only the owner may. */
export function DiagnosticsRoute() {
  return (
    <RequireCapability capability="owner">
      <DiagnosticsPage />
    </RequireCapability>
  );
}
