import { describe, expect, it } from 'vitest';
import { oidcStartUrl, routerPath, safeReturnTo } from '@/lib/return-to';

describe('safeReturnTo', () => {
  it.each([
    ['/admin/', '/admin/'],
    ['/admin/settings/sessions', '/admin/settings/sessions'],
    ['/admin/nodes?q=a#top', '/admin/nodes?q=a#top'],
  ])('keeps the local path %s', (raw, want) => {
    expect(safeReturnTo(raw)).toBe(want);
  });

  it.each([
    null,
    '',
    'https://evil.example/admin/',
    '//evil.example/admin/',
    '/admin',
    '/other/',
    '/admin/../x',
    '/admin//evil.example',
    '/admin/%2e%2e/x',
    '/admin/\\evil',
    '/admin/ä',
    '/admin/login',
    '/admin/login?return_to=/admin/',
  ])('replaces %s with /admin/', (raw) => {
    expect(safeReturnTo(raw)).toBe('/admin/');
  });

  it('maps return paths to router paths and the sign-on start URL', () => {
    expect(routerPath('/admin/settings/sessions?x=1')).toBe('/settings/sessions?x=1');
    expect(routerPath('/admin/')).toBe('/');
    expect(oidcStartUrl('/admin/settings/sessions')).toBe(
      '/admin/oidc/start?return_to=%2Fadmin%2Fsettings%2Fsessions',
    );
  });
});
