import type { operations } from '@/api/schema';
import type { AuditFilter } from '@/features/audit/api/list-audit-events';

export type ExportFormat = NonNullable<NonNullable<operations['exportAuditEvents']['parameters']['query']>['format']>;

/** The order in which filters appear in a query string. */
export const auditFilterNames = ['actor', 'action', 'targetType', 'targetId', 'result', 'since', 'until'] as const;

/** auditQuery is filter as a query string's parameters, in a fixed order, without empty ones. */
export function auditQuery(filter: AuditFilter): URLSearchParams {
  const query = new URLSearchParams();
  for (const name of auditFilterNames) {
    const value = filter[name];
    if (value) query.set(name, value);
  }
  return query;
}

/**
 * exportUrl is where the browser downloads every event matching filter: a
 * plain GET carrying the session cookie, so a link does it, however many
 * events there are.
 */
export function exportUrl(filter: AuditFilter, format: ExportFormat): string {
  const query = auditQuery(filter);
  query.set('format', format);
  return `/admin/api/v1/audit/events/export?${query.toString()}`;
}
