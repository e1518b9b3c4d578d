import { StatusText } from '@/components/ui/status-text';
import type { Machine } from '@/features/machines/api/list-machines';
import { isExitRoute } from '@/features/machines/components/rules';

/** advertisesSubnets reports whether a machine advertises routes other than the exit routes. */
export function advertisesSubnets(machine: Machine): boolean {
  return machine.availableRoutes.some((r) => !isExitRoute(r));
}

/** MachineBadges shows a machine's state in words: online, expired, exit node, routes, tags. */
export function MachineBadges({ machine, withTags = true }: { machine: Machine; withTags?: boolean }) {
  return (
    <span className="badges">
      {machine.online ? <StatusText tone="ok">Online</StatusText> : <StatusText tone="neutral">Offline</StatusText>}
      {machine.expired && <span className="badge badge--bad">Expired</span>}
      {machine.exitNode ? (
        <span className="badge">Exit node</span>
      ) : (
        machine.exitNodeAvailable && (
          <span className="badge badge--neutral" title="Advertised, not yet approved">
            Exit node (not approved)
          </span>
        )
      )}
      {advertisesSubnets(machine) && <span className="badge">Subnet routes</span>}
      {withTags &&
        machine.tags.map((tag) => (
          <span key={tag} className="badge badge--neutral">
            {tag}
          </span>
        ))}
    </span>
  );
}

/** ownerName names whom a machine belongs to: its user, or "Tagged" when its tags own it. */
export function ownerName(machine: Machine): string {
  if (!machine.user) return 'Tagged';
  return machine.user.displayName || machine.user.name;
}
