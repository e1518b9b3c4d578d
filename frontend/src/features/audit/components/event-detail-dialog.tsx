import { useId } from 'react';
import { Dialog } from '@/components/ui/dialog';
import type { AuditEvent } from '@/features/audit/api/list-audit-events';
import {
  ResultText,
  TargetText,
  actorDescription,
  actorName,
  formatTime,
} from '@/features/audit/components/event-facts';
import { type FieldChangeKind, compareFields } from '@/features/audit/components/field-changes';
import { UnifiedDiffView } from '@/features/audit/components/unified-diff-view';

const kindWords: Record<FieldChangeKind, string> = {
  added: 'Added',
  removed: 'Removed',
  changed: 'Changed',
  same: 'Unchanged',
};

/**
 * EventDetailDialog shows one audit event in full: who, what, how it ended,
 * the target's fields before and after, and the diff of a document change.
 */
export function EventDetailDialog({ event, onClose }: { event: AuditEvent; onClose: () => void }) {
  const id = useId();
  const changes = compareFields(event.before, event.after);
  const changed = changes.filter((c) => c.kind !== 'same').length;
  return (
    <Dialog open wide title={`Event ${event.action}`} onClose={onClose}>
      <dl className="facts audit-facts">
        <dt>Time</dt>
        <dd>
          <time dateTime={event.time}>{formatTime(event.time)}</time>
        </dd>
        <dt>Actor</dt>
        <dd>
          {actorName(event)}
          <div className="muted small">
            {actorDescription(event)}
            {event.actor.userId && <> · user id {event.actor.userId}</>}
          </div>
        </dd>
        <dt>Action</dt>
        <dd>
          <code>{event.action}</code>
        </dd>
        <dt>Target</dt>
        <dd>
          <TargetText event={event} />
        </dd>
        <dt>Result</dt>
        <dd>
          <ResultText event={event} />
        </dd>
        <dt>Client address</dt>
        <dd>{event.clientIp ? <code>{event.clientIp}</code> : <span className="muted">Unknown</span>}</dd>
        <dt>Request ID</dt>
        <dd>
          <code>{event.requestId}</code>
        </dd>
      </dl>

      {changes.length > 0 && (
        <section aria-labelledby={`${id}-changes`} className="audit-section">
          <h3 id={`${id}-changes`}>Changes</h3>
          <p>
            {changed === 0
              ? 'No field changed.'
              : `${changed} ${changed === 1 ? 'field' : 'fields'} ${
                  !event.before ? 'set' : !event.after ? 'removed' : 'changed'
                }.`}
          </p>
          <div className="table-wrap">
            <table className="table field-changes">
              <caption className="visually-hidden">Fields before and after</caption>
              <thead>
                <tr>
                  <th scope="col">Field</th>
                  <th scope="col">Before</th>
                  <th scope="col">After</th>
                  <th scope="col">Change</th>
                </tr>
              </thead>
              <tbody>
                {changes.map((c) => (
                  <tr key={c.field} className={`field-changes__row field-changes__row--${c.kind}`}>
                    <th scope="row">
                      <code>{c.field}</code>
                    </th>
                    <td className="field-changes__value field-changes__before">
                      {c.before === undefined ? <span className="muted">—</span> : c.before}
                    </td>
                    <td className="field-changes__value field-changes__after">
                      {c.after === undefined ? <span className="muted">—</span> : c.after}
                    </td>
                    <td>{kindWords[c.kind]}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}

      {event.diff && (
        <section aria-labelledby={`${id}-diff`} className="audit-section">
          <h3 id={`${id}-diff`}>Diff</h3>
          <UnifiedDiffView diff={event.diff} label="Diff" />
        </section>
      )}

      {changes.length === 0 && !event.diff && <p className="muted">This event records no change of fields.</p>}
    </Dialog>
  );
}
