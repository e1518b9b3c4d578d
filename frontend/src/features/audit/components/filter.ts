// The audit page's filters live in its URL, under the API's own parameter
// names, so that a filtered view can be shared and the export link is the
// same query string. Times travel as UTC instants; the fields show them in
// the viewer's time zone.
import type { AuditFilter, AuditResult } from '@/features/audit/api/list-audit-events';

export const results: readonly AuditResult[] = ['ok', 'denied', 'failed'];

/** filterFrom reads the filter from the page's search parameters, dropping what the server would refuse. */
export function filterFrom(params: URLSearchParams): AuditFilter {
  const filter: AuditFilter = {};
  for (const name of ['actor', 'action', 'targetType', 'targetId'] as const) {
    const value = params.get(name)?.trim();
    if (value) filter[name] = value;
  }
  const result = params.get('result');
  if (results.includes(result as AuditResult)) filter.result = result as AuditResult;
  for (const name of ['since', 'until'] as const) {
    const value = instant(params.get(name));
    if (value) filter[name] = value;
  }
  return filter;
}

/** isFiltered reports whether any filter is set (filterFrom sets only those with a value). */
export function isFiltered(filter: AuditFilter): boolean {
  return Object.keys(filter).length > 0;
}

/** instant normalises a time given in the URL to RFC 3339 in UTC, whole seconds; undefined when it is no time. */
export function instant(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  // Only full date-times: Date also accepts forms (a bare year) that would surprise.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return undefined;
  const t = new Date(value);
  if (Number.isNaN(t.getTime())) return undefined;
  return utcSeconds(t);
}

/** utcSeconds formats a time as RFC 3339 in UTC without fractions: 2025-01-02T09:30:00Z. */
export function utcSeconds(t: Date): string {
  return t.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * toLocalInput shows an RFC 3339 time as a datetime-local field's value
 * (yyyy-mm-ddThh:mm in the viewer's time zone), or "" when absent.
 */
export function toLocalInput(value: string | undefined): string {
  if (!value) return '';
  const t = new Date(value);
  if (Number.isNaN(t.getTime())) return '';
  const date = `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())}`;
  const time = `${pad(t.getHours())}:${pad(t.getMinutes())}${t.getSeconds() ? `:${pad(t.getSeconds())}` : ''}`;
  return `${date}T${time}`;
}

/**
 * fromLocalInput reads a datetime-local field's value (the viewer's time
 * zone) as RFC 3339 in UTC, or undefined when it is empty or incomplete.
 */
export function fromLocalInput(value: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m;
  const t = new Date(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0));
  if (Number.isNaN(t.getTime())) return undefined;
  return utcSeconds(t);
}
