import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { ErrorAlert } from '@/components/ui/error-alert';
import { exportUrl } from '@/features/audit/api/export-audit-events';
import { type AuditEvent, useAuditEvents } from '@/features/audit/api/list-audit-events';
import { AuditFilters } from '@/features/audit/components/audit-filters';
import {
  ResultText,
  TargetText,
  actorDescription,
  actorName,
  formatTime,
} from '@/features/audit/components/event-facts';
import { EventDetailDialog } from '@/features/audit/components/event-detail-dialog';
import { filterFrom, isFiltered } from '@/features/audit/components/filter';
import type { UpdateParams } from '@/lib/use-debounced-param';

const filterNames = ['actor', 'action', 'targetType', 'targetId', 'result', 'since', 'until'];

/**
 * AuditPage is the audit trail: every change and sign-in attempt, newest
 * first, filtered by what the URL says (so a view can be shared), a page at a
 * time, each event's detail a click away, and the filtered events to
 * download.
 */
export function AuditPage() {
  const [params, setParams] = useSearchParams();
  const filter = filterFrom(params);
  const events = useAuditEvents(filter);
  const [selected, setSelected] = useState<AuditEvent | null>(null);
  const filtered = isFiltered(filter);

  const update: UpdateParams = (changes, { replace = false } = {}) => {
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        for (const [name, value] of Object.entries(changes)) {
          if (value === undefined || value === '') next.delete(name);
          else next.set(name, value);
        }
        return next;
      },
      { replace },
    );
  };

  const clearFilters = () => {
    update(Object.fromEntries(filterNames.map((name) => [name, undefined])));
  };

  const list = events.data?.pages.flatMap((page) => page.events) ?? [];

  return (
    <div className="page">
      <title>Audit log · Headway</title>
      <div className="page-title">
        <h1>Audit log</h1>
        <div className="toolbar audit-export" role="group" aria-label="Export">
          <a className="button button--secondary" href={exportUrl(filter, 'csv')} download>
            Export CSV
          </a>
          <a className="button button--secondary" href={exportUrl(filter, 'ndjson')} download>
            Export NDJSON
          </a>
        </div>
      </div>
      <p className="muted">
        Every change and sign-in attempt, newest first. The exports hold every event matching the filters.
      </p>

      <AuditFilters params={params} filter={filter} update={update} />

      {events.isPending ? (
        <p role="status" className="muted">
          Loading audit events…
        </p>
      ) : events.isError && !events.data ? (
        <ErrorAlert
          title="Could not load the audit events"
          error={events.error}
          onRetry={() => void events.refetch()}
          retrying={events.isFetching}
        />
      ) : (
        <>
          <div className="audit-status">
            <p className="muted data-age">
              Loaded <time dateTime={new Date(events.dataUpdatedAt).toISOString()}>
                {new Date(events.dataUpdatedAt).toLocaleTimeString()}
              </time>
            </p>
            <button
              type="button"
              className="button button--secondary button--small"
              disabled={events.isFetching}
              onClick={() => void events.refetch()}
            >
              {events.isFetching && !events.isFetchingNextPage ? 'Refreshing…' : 'Refresh'}
            </button>
          </div>
          {events.isRefetchError && <ErrorAlert title="Could not refresh the audit events" error={events.error} />}
          {list.length === 0 ? (
            <div className="empty">
              {filtered ? (
                <>
                  <p>No event matches these filters.</p>
                  <button type="button" className="button button--secondary" onClick={clearFilters}>
                    Clear filters
                  </button>
                </>
              ) : (
                <p>No events recorded yet.</p>
              )}
            </div>
          ) : (
            <EventTable
              events={list}
              busy={events.isPlaceholderData}
              onSelect={(event) => {
                setSelected(event);
              }}
            />
          )}
          {events.isFetchNextPageError && (
            <ErrorAlert
              title="Could not load more events"
              error={events.error}
              onRetry={() => void events.fetchNextPage()}
              retrying={events.isFetchingNextPage}
            />
          )}
          {list.length > 0 && (
            <div className="pager">
              <p aria-live="polite">
                Showing {list.length} {list.length === 1 ? 'event' : 'events'}
                {events.hasNextPage ? '; older ones follow.' : '; that is all.'}
              </p>
              {events.hasNextPage && !events.isFetchNextPageError && (
                <button
                  type="button"
                  className="button button--secondary"
                  disabled={events.isFetchingNextPage}
                  onClick={() => void events.fetchNextPage()}
                >
                  {events.isFetchingNextPage ? 'Loading…' : 'Load more'}
                </button>
              )}
            </div>
          )}
        </>
      )}

      {selected && (
        <EventDetailDialog
          event={selected}
          onClose={() => {
            setSelected(null);
          }}
        />
      )}
    </div>
  );
}

type EventTableProps = {
  events: AuditEvent[];
  /** Whether the rows are the previous filter's, while the new answer is on its way. */
  busy: boolean;
  onSelect: (event: AuditEvent) => void;
};

function EventTable({ events, busy, onSelect }: EventTableProps) {
  return (
    <div className="table-wrap">
      <table className="table" aria-busy={busy || undefined}>
        <caption className="visually-hidden">Audit events</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Actor</th>
            <th scope="col">Action</th>
            <th scope="col">Target</th>
            <th scope="col">Result</th>
            <th scope="col">Client address</th>
            <th scope="col">
              <span className="visually-hidden">Details</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {events.map((event) => (
            <tr key={event.id}>
              <th scope="row" className="table__name audit-time">
                <time dateTime={event.time}>{formatTime(event.time)}</time>
              </th>
              <td>
                {actorName(event)}
                <div className="muted small">{actorDescription(event)}</div>
              </td>
              <td className="audit-action">
                <code>{event.action}</code>
              </td>
              <td>
                <TargetText event={event} />
              </td>
              <td>
                <ResultText event={event} />
              </td>
              <td>{event.clientIp ? <code>{event.clientIp}</code> : <span className="muted">Unknown</span>}</td>
              <td>
                <button
                  type="button"
                  className="button button--secondary button--small"
                  aria-label={`Details of ${event.action} at ${formatTime(event.time)}`}
                  onClick={() => {
                    onSelect(event);
                  }}
                >
                  Details
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
