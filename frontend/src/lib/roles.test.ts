import { describe, expect, it } from 'vitest';
import { allCapabilities, assignableRoles } from '@/lib/roles';

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
