// What the audit trail records, as the contract's x-audit declarations name
// it: the choices the filters offer. Values the list does not know (a newer
// server's) still work when typed into the URL.

/** A kind of target, with the actions recorded on it. */
type Kind = { targetType: string; label: string; actions: readonly string[] };

/** Every kind of target, in the order the filters offer them. */
export const kinds: readonly Kind[] = [
  { targetType: 'machine', label: 'Machine', actions: ['machine.register', 'machine.rename', 'machine.expire', 'machine.set_tags', 'machine.set_routes', 'machine.set_exit_node', 'machine.delete'] },
  { targetType: 'registration', label: 'Registration', actions: ['registration.approve', 'registration.reject'] },
  { targetType: 'user', label: 'Headscale user', actions: ['user.create', 'user.rename', 'user.delete'] },
  { targetType: 'preauthkey', label: 'Pre-auth key', actions: ['preauthkey.create', 'preauthkey.expire'] },
  { targetType: 'apikey', label: 'Headscale API key', actions: ['apikey.create', 'apikey.expire', 'apikey.delete'] },
  { targetType: 'policy', label: 'ACL policy', actions: ['policy.update', 'policy.check'] },
  { targetType: 'dns', label: 'DNS', actions: ['dns.update', 'dns.set_extra_records'] },
  { targetType: 'console_user', label: 'Console user', actions: ['console_user.update', 'console_user.delete', 'console_user.link', 'console_user.unlink', 'console_user.transfer_ownership', 'onboarding.link', 'onboarding.complete'] },
  { targetType: 'token', label: 'API token', actions: ['token.create', 'token.revoke'] },
  { targetType: 'session', label: 'Session', actions: ['auth.sign_in', 'auth.sign_out', 'session.revoke'] },
];

/** targetLabel names a target type for people ("Machine"), or the type itself when unknown. */
export function targetLabel(targetType: string): string {
  return kinds.find((k) => k.targetType === targetType)?.label ?? targetType;
}

/** A group of actions for the action filter: every action of a prefix, then each one. */
export type ActionGroup = { label: string; prefix: string; actions: string[] };

/**
 * actionGroups groups the known actions by their prefix (machine., auth.),
 * each group offering "every action of this kind" (the prefix with its
 * trailing dot, which the server matches as a prefix) before its actions.
 */
export function actionGroups(): ActionGroup[] {
  const groups: ActionGroup[] = [];
  for (const kind of kinds) {
    for (const action of kind.actions) {
      const prefix = action.slice(0, action.indexOf('.') + 1);
      let group = groups.find((g) => g.prefix === prefix);
      if (!group) {
        group = { label: prefixLabels[prefix] ?? prefix, prefix, actions: [] };
        groups.push(group);
      }
      group.actions.push(action);
    }
  }
  return groups;
}

const prefixLabels: Record<string, string> = {
  'machine.': 'Machines',
  'registration.': 'Registrations',
  'user.': 'Headscale users',
  'preauthkey.': 'Pre-auth keys',
  'apikey.': 'Headscale API keys',
  'policy.': 'ACL policy',
  'dns.': 'DNS',
  'console_user.': 'Console users',
  'onboarding.': 'Onboarding',
  'token.': 'API tokens',
  'auth.': 'Sign-in and sign-out',
  'session.': 'Sessions',
};

/** knownAction reports whether the action filter offers value (an action or a prefix). */
export function knownAction(value: string): boolean {
  return actionGroups().some((g) => g.prefix === value || g.actions.includes(value));
}

export const actorTypeLabels: Record<string, string> = {
  user: 'Console user',
  api_key: 'Headscale API key',
  token: 'API token',
  anonymous: 'Not signed in',
};
