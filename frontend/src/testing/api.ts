import { vi } from 'vitest';
import type { components } from '@/api/schema';
import { allCapabilities } from '@/lib/roles';
import { jsonResponse } from '@/testing/render';

type Handler = (request: Request) => Response | Promise<Response>;

/**
 * stubApi replaces the network with handlers keyed by "METHOD /path" (the
 * path after /admin/api/v1, without the query). Unknown calls fail the test.
 * It returns the requests made, in order.
 */
export function stubApi(handlers: Record<string, Handler>) {
  const requests: Request[] = [];
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    requests.push(request.clone());
    const path = new URL(request.url).pathname.replace(/^\/admin\/api\/v1/, '');
    const handler = handlers[`${request.method} ${path}`];
    if (!handler) throw new Error(`unexpected call: ${request.method} ${path}`);
    return handler(request);
  });
  vi.stubGlobal('fetch', fetch);
  return { fetch, requests };
}

/** apiError answers with the contract's error shape. */
export function apiError(status: number, code: string, message: string, hint?: string): Response {
  return jsonResponse({ error: { code, message, hint } }, { status });
}

export const unauthenticated = () => apiError(401, 'unauthenticated', 'You are not signed in.');

export type Info = components['schemas']['Info'];
export type Me = components['schemas']['Me'];
export type Session = components['schemas']['Session'];
export type ConsoleUser = components['schemas']['ConsoleUser'];
export type HeadscaleUser = components['schemas']['HeadscaleUser'];
export type Onboarding = components['schemas']['Onboarding'];
type Role = components['schemas']['Role'];

export function info(signIn: Partial<Info['signIn']> = {}): Info {
  return {
    version: '0.1.0',
    headscale: { reachable: true, version: 'v0.29.2', publicUrl: 'https://hs.example.com' },
    signIn: { oidc: { configured: true, available: true }, apiKey: true, cookieSecure: false, ...signIn },
  };
}

export const currentSession: Session = {
  id: 'sess-current',
  kind: 'oidc',
  createdAt: '2025-01-02T10:00:00Z',
  lastSeenAt: '2025-01-02T11:00:00Z',
  expiresAt: '2025-01-09T10:00:00Z',
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0',
  clientIp: '192.0.2.10',
  current: true,
};

export const otherSession: Session = {
  id: 'sess-other',
  kind: 'oidc',
  createdAt: '2025-01-01T08:00:00Z',
  lastSeenAt: '2025-01-01T09:00:00Z',
  expiresAt: '2025-01-08T08:00:00Z',
  userAgent: 'Mozilla/5.0 (Macintosh) Safari/605.1.15',
  clientIp: '198.51.100.7',
  current: false,
};

export const oidcMe: Me = {
  kind: 'oidc',
  user: {
    id: 'u1',
    email: 'alice@example.com',
    emailVerified: true,
    name: 'Alice Anderson',
    preferredUsername: 'alice',
    picture: '',
    role: 'owner',
    rolePinned: false,
    groups: ['admins'],
    createdAt: '2025-01-01T00:00:00Z',
  },
  session: currentSession,
  csrfToken: 'csrf-token-1',
  capabilities: [...allCapabilities],
  needsOnboarding: false,
};

/** Capabilities by role, as the server's table has them (a copy for tests). */
const capabilitiesByRole: Record<Role, string[]> = {
  owner: [...allCapabilities],
  admin: allCapabilities.filter((c) => c !== 'owner'),
  network_admin: ['ui_access', 'read_policy', 'write_policy', 'read_network', 'write_network', 'read_machines',
    'read_users', 'generate_authkeys', 'generate_own_authkeys', 'read_feature'],
  it_admin: ['ui_access', 'read_machines', 'write_machines', 'read_users', 'write_users', 'read_feature',
    'write_feature', 'configure_iam', 'generate_authkeys', 'generate_own_authkeys', 'read_audit', 'read_policy',
    'read_network'],
  auditor: ['ui_access', 'read_machines', 'read_users', 'read_policy', 'read_network', 'read_feature', 'read_audit',
    'generate_own_authkeys'],
  viewer: ['ui_access', 'read_machines', 'read_users', 'generate_own_authkeys'],
  member: [],
};

/** oidcMeAs is a single sign-on caller with role (Bob Brown unless the role is owner). */
export function oidcMeAs(role: Role, overrides: Partial<Me> = {}): Me {
  const user: ConsoleUser =
    role === 'owner'
      ? { ...(oidcMe.user as ConsoleUser) }
      : { ...bob, role };
  return { ...oidcMe, user, capabilities: capabilitiesByRole[role], ...overrides };
}

export const alice: ConsoleUser = {
  ...(oidcMe.user as ConsoleUser),
  headscaleUserId: 'hs1',
  lastLoginAt: '2025-01-02T10:00:00Z',
};

export const bob: ConsoleUser = {
  id: 'u2',
  email: 'bob@example.com',
  emailVerified: true,
  name: 'Bob Brown',
  preferredUsername: 'bob',
  picture: '',
  role: 'member',
  rolePinned: false,
  groups: ['network'],
  createdAt: '2025-01-03T00:00:00Z',
  lastLoginAt: '2025-01-03T09:00:00Z',
};

export const carol: ConsoleUser = {
  id: 'u3',
  email: 'carol@example.com',
  emailVerified: true,
  name: 'Carol Clark',
  preferredUsername: 'carol',
  picture: '',
  role: 'viewer',
  rolePinned: true,
  groups: ['viewers'],
  headscaleUserId: 'hs3',
  createdAt: '2025-01-04T00:00:00Z',
};

export function headscaleUser(id: string, name: string, extra: Partial<HeadscaleUser> = {}): HeadscaleUser {
  return {
    id,
    name,
    displayName: '',
    email: '',
    provider: '',
    providerId: '',
    createdAt: '2025-01-01T00:00:00Z',
    nodeCount: 0,
    ...extra,
  };
}

export function onboarding(extra: Partial<Onboarding> = {}): Onboarding {
  return {
    step: 'connect',
    loginServer: 'https://hs.example.com',
    candidates: [],
    devices: [],
    canGenerateKey: false,
    grantors: [{ name: 'Alice Anderson', email: 'alice@example.com', role: 'owner' }],
    ...extra,
  };
}

export const apiKeyMe: Me = {
  kind: 'api_key',
  apiKeyPrefix: 'abcdefghijkl',
  session: { ...currentSession, kind: 'api_key' },
  csrfToken: 'csrf-token-2',
  capabilities: allCapabilities.filter((c) => c !== 'owner'),
  needsOnboarding: false,
};

export type Machine = components['schemas']['Machine'];
export type MachinePage = components['schemas']['MachinePage'];

export function machine(id: string, givenName: string, extra: Partial<Machine> = {}): Machine {
  return {
    id,
    name: givenName,
    givenName,
    user: { id: 'hs1', name: 'alice' },
    tags: [],
    ipAddresses: ['100.64.0.1', 'fd7a:115c:a1e0::1'],
    machineKey: 'mkey:abcd…1234',
    nodeKey: 'nodekey:ef01…5678',
    approvedRoutes: [],
    availableRoutes: [],
    subnetRoutes: [],
    exitNode: false,
    exitNodeAvailable: false,
    online: false,
    expired: false,
    lastSeen: '2025-01-02T10:00:00Z',
    createdAt: '2025-01-01T10:00:00Z',
    expiry: '0001-01-01T00:00:00Z',
    registerMethod: 'authkey',
    canManage: true,
    ...extra,
  };
}

export function machinePage(machines: Machine[], extra: Partial<MachinePage> = {}): MachinePage {
  return { machines, total: machines.length, page: 1, pageSize: 50, dataAge: 3, stale: false, ...extra };
}
