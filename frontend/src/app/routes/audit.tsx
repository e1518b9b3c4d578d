import { RequireCapability } from '@/app/routes/require-access';
import { AuditPage } from '@/features/audit/components/audit-page';

/** AuditRoute is the audit trail (read_audit). */
export function AuditRoute() {
  return (
    <RequireCapability capability="read_audit">
      <AuditPage />
    </RequireCapability>
  );
}
