import type { components } from '@/api/schema';

export type Role = components['schemas']['Role'];

/** Every role, highest rank first, as the server orders them. */
export const roles: readonly Role[] = ['owner', 'admin', 'network_admin', 'it_admin', 'auditor', 'viewer', 'member'];

const labels: Record<Role, string> = {
  owner: 'Owner',
  admin: 'Admin',
  network_admin: 'Network admin',
  it_admin: 'IT admin',
  auditor: 'Auditor',
  viewer: 'Viewer',
  member: 'Member',
};

/** roleLabel is how the console names a role. */
export function roleLabel(role: Role): string {
  return labels[role];
}

/** Every capability the server knows. */
export const allCapabilities: readonly string[] = [
  'ui_access',
  'read_machines',
  'write_machines',
  'read_users',
  'write_users',
  'read_policy',
  'write_policy',
  'read_network',
  'write_network',
  'read_feature',
  'write_feature',
  'configure_iam',
  'generate_authkeys',
  'generate_own_authkeys',
  'read_audit',
  'manage_apikeys',
  'owner',
];

/**
 * roleCapabilities mirrors the server's role table, only to decide which roles
 * to offer; the server checks every change against its own copy.
 */
const roleCapabilities: Record<Role, readonly string[]> = {
  owner: allCapabilities,
  admin: allCapabilities.filter((c) => c !== 'owner'),
  network_admin: [
    'ui_access',
    'read_policy',
    'write_policy',
    'read_network',
    'write_network',
    'read_machines',
    'read_users',
    'generate_authkeys',
    'generate_own_authkeys',
    'read_feature',
  ],
  it_admin: [
    'ui_access',
    'read_machines',
    'write_machines',
    'read_users',
    'write_users',
    'read_feature',
    'write_feature',
    'configure_iam',
    'generate_authkeys',
    'generate_own_authkeys',
    'read_audit',
    'read_policy',
    'read_network',
  ],
  auditor: [
    'ui_access',
    'read_machines',
    'read_users',
    'read_policy',
    'read_network',
    'read_feature',
    'read_audit',
    'generate_own_authkeys',
  ],
  viewer: ['ui_access', 'read_machines', 'read_users', 'generate_own_authkeys'],
  member: [],
};

/**
 * assignableRoles lists the roles someone holding capabilities may grant:
 * never owner (ownership is transferred, not assigned), and only roles whose
 * every capability the granter holds.
 */
export function assignableRoles(capabilities: readonly string[]): Role[] {
  const held = new Set(capabilities);
  return roles.filter((role) => role !== 'owner' && roleCapabilities[role].every((c) => held.has(c)));
}

/**
 * tokenRoles lists the roles an API token may be given by someone holding
 * capabilities, highest first: every role whose capabilities they all hold
 * (their own role included), except member, whose token could do nothing.
 * The server checks the choice again (token_role_too_high).
 */
export function tokenRoles(capabilities: readonly string[]): Role[] {
  const held = new Set(capabilities);
  return roles.filter((role) => role !== 'member' && roleCapabilities[role].every((c) => held.has(c)));
}
