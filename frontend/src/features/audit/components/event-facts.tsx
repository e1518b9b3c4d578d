import { StatusText } from '@/components/ui/status-text';
import type { AuditEvent, AuditResult } from '@/features/audit/api/list-audit-events';
import { actorTypeLabels, targetLabel } from '@/features/audit/components/catalog';
import { roleLabel } from '@/lib/roles';

/** formatTime shows a timestamp in the viewer's locale. */
export function formatTime(value: string): string {
  const t = new Date(value);
  return Number.isNaN(t.getTime()) ? value : t.toLocaleString();
}

const resultWords: Record<AuditResult, string> = { ok: 'Succeeded', denied: 'Denied', failed: 'Failed' };

/** ResultText says how an event ended, in words, with its error code. */
export function ResultText({ event }: { event: AuditEvent }) {
  return (
    <>
      <StatusText tone={event.result === 'ok' ? 'ok' : event.result === 'denied' ? 'warn' : 'bad'}>
        {resultWords[event.result]}
      </StatusText>
      {event.errorCode && (
        <div>
          <code>{event.errorCode}</code>
        </div>
      )}
    </>
  );
}

/** actorDescription is the actor's kind and role: "Console user · Owner". */
export function actorDescription(event: AuditEvent): string {
  const kind = actorTypeLabels[event.actor.type] ?? event.actor.type;
  return event.actor.role ? `${kind} · ${roleLabel(event.actor.role)}` : kind;
}

/** actorName is who acted, or a placeholder when nobody was recorded. */
export function actorName(event: AuditEvent): string {
  return event.actor.name || (event.actor.type === 'anonymous' ? 'Anonymous' : 'Unknown');
}

/** TargetText names what the event acted on: its kind and id. */
export function TargetText({ event }: { event: AuditEvent }) {
  return (
    <>
      {targetLabel(event.targetType)}
      {event.targetId && (
        <>
          {' '}
          <code>{event.targetId}</code>
        </>
      )}
    </>
  );
}
