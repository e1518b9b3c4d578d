import { describe, expect, it } from 'vitest';
import { type Role, allCapabilities, assignableRoles, tokenRoles } from '@/lib/roles';

describe('assignableRoles', () => {
  it('offers roles within the granter’s capabilities, never owner', () => {
    expect(assignableRoles(allCapabilities)).toEqual([
      'admin',
      'network_admin',
      'it_admin',
      'auditor',
      'viewer',
      'member',
    ]);
    // An IT admin lacks write_policy, so not network_admin; nor admin.
    const itAdmin = [
      'ui_access', 'read_machines', 'write_machines', 'read_users', 'write_users', 'read_feature', 'write_feature',
      'configure_iam', 'generate_authkeys', 'generate_own_authkeys', 'read_audit', 'read_policy', 'read_network',
    ];
    expect(assignableRoles(itAdmin)).toEqual(['it_admin', 'auditor', 'viewer', 'member']);
    expect(assignableRoles([])).toEqual(['member']);
  });
});

describe('tokenRoles', () => {
  const caps = (role: Role) => capabilitiesForTest[role];
  it.each<[Role, Role[]]>([
    ['owner', ['owner', 'admin', 'network_admin', 'it_admin', 'auditor', 'viewer']],
    ['admin', ['admin', 'network_admin', 'it_admin', 'auditor', 'viewer']],
    // Lower in the table is not enough: it_admin holds configure_iam and
    // write_machines, auditor read_audit, which a network admin lacks.
    ['network_admin', ['network_admin', 'viewer']],
    ['it_admin', ['it_admin', 'auditor', 'viewer']],
    ['auditor', ['auditor', 'viewer']],
    ['viewer', ['viewer']],
    ['member', []],
  ])('tokenRoles(capabilities of %s) = %j', (role, want) => {
    expect(tokenRoles(caps(role))).toEqual(want);
  });
});

/** The README's role table, as a second copy for these tests. */
const capabilitiesForTest: Record<Role, string[]> = {
  owner: ['configure_iam', 'generate_authkeys', 'generate_own_authkeys', 'manage_apikeys', 'owner', 'read_audit',
    'read_feature', 'read_machines', 'read_network', 'read_policy', 'read_users', 'ui_access', 'write_feature',
    'write_machines', 'write_network', 'write_policy', 'write_users'],
  admin: ['configure_iam', 'generate_authkeys', 'generate_own_authkeys', 'manage_apikeys', 'read_audit',
    'read_feature', 'read_machines', 'read_network', 'read_policy', 'read_users', 'ui_access', 'write_feature',
    'write_machines', 'write_network', 'write_policy', 'write_users'],
  network_admin: ['generate_authkeys', 'generate_own_authkeys', 'read_feature', 'read_machines', 'read_network',
    'read_policy', 'read_users', 'ui_access', 'write_network', 'write_policy'],
  it_admin: ['configure_iam', 'generate_authkeys', 'generate_own_authkeys', 'read_audit', 'read_feature',
    'read_machines', 'read_network', 'read_policy', 'read_users', 'ui_access', 'write_feature', 'write_machines',
    'write_users'],
  auditor: ['generate_own_authkeys', 'read_audit', 'read_feature', 'read_machines', 'read_network', 'read_policy',
    'read_users', 'ui_access'],
  viewer: ['generate_own_authkeys', 'read_machines', 'read_users', 'ui_access'],
  member: [],
};
