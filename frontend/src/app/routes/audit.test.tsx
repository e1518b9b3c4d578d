import { screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { components } from '@/api/schema';
import { routes } from '@/app/router';
import { apiError, info, oidcMe, oidcMeAs, stubApi, type Me } from '@/testing/api';
import { jsonResponse, renderRoutes } from '@/testing/render';

vi.mock('@/lib/navigate-away', () => ({ navigateAway: vi.fn() }));

type AuditEvent = components['schemas']['AuditEvent'];

function auditEvent(id: string, extra: Partial<AuditEvent> = {}): AuditEvent {
  return {
    id,
    time: '2025-01-02T10:00:00Z',
    actor: { type: 'user', name: 'alice@example.com', userId: 'u1', role: 'owner' },
    action: 'machine.rename',
    targetType: 'machine',
    targetId: '12',
    before: { givenName: 'web-1', tags: ['tag:web'] },
    after: { givenName: 'web-2', tags: ['tag:web'] },
    result: 'ok',
    requestId: `req-${id}`,
    clientIp: '192.0.2.10',
    ...extra,
  };
}

const policyDiff = `--- a/policy.hujson
+++ b/policy.hujson
@@ -1,3 +1,3 @@
 {
-  "acls": []
+  "acls": [{"action": "accept"}]
 }
`;

const events = [
  auditEvent('3', {
    action: 'policy.update',
    targetType: 'policy',
    targetId: undefined,
    before: { version: 'v1' },
    after: { version: 'v2' },
    diff: policyDiff,
  }),
  auditEvent('2'),
  auditEvent('1', {
    actor: { type: 'token', name: 'ci deploy', userId: 'u2', role: 'viewer' },
    action: 'machine.delete',
    result: 'denied',
    errorCode: 'forbidden',
    before: undefined,
    after: undefined,
  }),
];

function signedInAs(me: Me, extra: Parameters<typeof stubApi>[0] = {}) {
  return stubApi({
    'GET /me': () => jsonResponse(me),
    'GET /info': () => jsonResponse(info()),
    'GET /audit/events': () => jsonResponse({ events }),
    ...extra,
  });
}

const auditRequests = (requests: Request[]) =>
  requests.filter((r) => new URL(r.url).pathname.endsWith('/audit/events')).map((r) => new URL(r.url).searchParams);

describe('audit page', () => {
  it('lists events with actor, action, target, result and client address, linked in the navigation', async () => {
    signedInAs(oidcMe);
    renderRoutes(routes, '/audit');
    const table = await screen.findByRole('table', { name: 'Audit events' });
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(4);
    expect(rows[1]).toHaveTextContent('policy.update');
    expect(rows[1]).toHaveTextContent('ACL policy');
    expect(rows[2]).toHaveTextContent('alice@example.com');
    expect(rows[2]).toHaveTextContent('Console user · Owner');
    expect(rows[2]).toHaveTextContent('Machine 12');
    expect(rows[2]).toHaveTextContent('Succeeded');
    expect(rows[2]).toHaveTextContent('192.0.2.10');
    expect(rows[3]).toHaveTextContent('API token · Viewer');
    expect(rows[3]).toHaveTextContent('Denied');
    expect(rows[3]).toHaveTextContent('forbidden');
    expect(screen.getByRole('link', { name: 'Audit' })).toHaveAttribute('aria-current', 'page');
    expect(screen.getByText(/that is all/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();
  });

  it('reads the filters from the URL, sends them, and offers the same filtered export', async () => {
    const { requests } = signedInAs(oidcMe);
    renderRoutes(routes, '/audit?actor=bob%40example.com&action=machine.&result=denied&since=2025-01-02T09:30:00Z');
    await screen.findByRole('table', { name: 'Audit events' });

    const sent = auditRequests(requests)[0];
    expect(sent?.get('actor')).toBe('bob@example.com');
    expect(sent?.get('action')).toBe('machine.');
    expect(sent?.get('result')).toBe('denied');
    expect(sent?.get('since')).toBe('2025-01-02T09:30:00Z');
    expect(sent?.get('cursor')).toBeNull();

    const search = screen.getByRole('search', { name: 'Filter audit events' });
    expect(within(search).getByRole('textbox', { name: 'Actor' })).toHaveValue('bob@example.com');
    expect(within(search).getByRole('combobox', { name: 'Action' })).toHaveValue('machine.');
    expect(within(search).getByRole('combobox', { name: 'Result' })).toHaveValue('denied');
    expect(within(search).getByLabelText('From')).not.toHaveValue('');

    const csv = screen.getByRole('link', { name: 'Export CSV' });
    expect(csv).toHaveAttribute(
      'href',
      '/admin/api/v1/audit/events/export?actor=bob%40example.com&action=machine.&result=denied&since=2025-01-02T09%3A30%3A00Z&format=csv',
    );
    expect(csv).toHaveAttribute('download');
    expect(screen.getByRole('link', { name: 'Export NDJSON' }).getAttribute('href')).toMatch(/format=ndjson$/);
  });

  it('writes changed filters to the URL and asks again', async () => {
    const { requests } = signedInAs(oidcMe);
    const { router } = renderRoutes(routes, '/audit');
    await screen.findByRole('table', { name: 'Audit events' });

    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Target type' }), 'policy');
    await userEvent.type(screen.getByRole('textbox', { name: 'Target ID' }), 'abc');
    await waitFor(() => {
      const params = new URLSearchParams(router.state.location.search);
      expect(params.get('targetType')).toBe('policy');
      expect(params.get('targetId')).toBe('abc');
    });
    await waitFor(() => {
      const last = auditRequests(requests).at(-1);
      expect(last?.get('targetType')).toBe('policy');
      expect(last?.get('targetId')).toBe('abc');
    });
    expect(screen.getByRole('link', { name: 'Export CSV' }).getAttribute('href')).toContain(
      'targetType=policy&targetId=abc',
    );
  });

  it('says when no event matches, and clears the filters', async () => {
    const { requests } = signedInAs(oidcMe, {
      'GET /audit/events': (request) =>
        jsonResponse({ events: new URL(request.url).searchParams.has('result') ? [] : events }),
    });
    const { router } = renderRoutes(routes, '/audit?result=failed');
    expect(await screen.findByText('No event matches these filters.')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    await screen.findByRole('table', { name: 'Audit events' });
    expect(router.state.location.search).toBe('');
    expect(auditRequests(requests).at(-1)?.has('result')).toBe(false);
  });

  it('loads older events with the cursor', async () => {
    const { requests } = signedInAs(oidcMe, {
      'GET /audit/events': (request) => {
        const cursor = new URL(request.url).searchParams.get('cursor');
        if (cursor === 'page-2') return jsonResponse({ events: [auditEvent('0', { action: 'user.create' })] });
        return jsonResponse({ events: events.slice(0, 2), nextCursor: 'page-2' });
      },
    });
    renderRoutes(routes, '/audit?targetType=machine');
    const table = await screen.findByRole('table', { name: 'Audit events' });
    expect(within(table).getAllByRole('row')).toHaveLength(3);
    expect(screen.getByText(/older ones follow/)).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Load more' }));
    await waitFor(() => {
      expect(within(table).getAllByRole('row')).toHaveLength(4);
    });
    expect(within(table).getAllByRole('row')[3]).toHaveTextContent('user.create');
    const second = auditRequests(requests).at(-1);
    expect(second?.get('cursor')).toBe('page-2');
    expect(second?.get('targetType')).toBe('machine');
    expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();
  });

  it('shows an event’s fields before and after, and its diff with lines marked', async () => {
    signedInAs(oidcMe);
    renderRoutes(routes, '/audit');
    const table = await screen.findByRole('table', { name: 'Audit events' });

    await userEvent.click(within(within(table).getAllByRole('row')[2] as HTMLElement).getByRole('button', { name: /^Details/ }));
    let dialog = await screen.findByRole('dialog', { name: 'Event machine.rename' });
    expect(within(dialog).getByRole('heading', { name: 'Event machine.rename' })).toHaveFocus();
    const fields = within(dialog).getByRole('table', { name: 'Fields before and after' });
    const givenName = within(fields).getByRole('row', { name: /givenName/ });
    expect(givenName).toHaveTextContent('web-1');
    expect(givenName).toHaveTextContent('web-2');
    expect(givenName).toHaveTextContent('Changed');
    expect(within(fields).getByRole('row', { name: /tags/ })).toHaveTextContent('Unchanged');
    expect(within(dialog).getByText('req-2')).toBeInTheDocument();
    expect(within(dialog).queryByRole('group', { name: 'Diff' })).not.toBeInTheDocument();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();

    await userEvent.click(within(within(table).getAllByRole('row')[1] as HTMLElement).getByRole('button', { name: /^Details/ }));
    dialog = await screen.findByRole('dialog', { name: 'Event policy.update' });
    const diff = within(dialog).getByRole('group', { name: 'Diff' });
    expect(within(dialog).getByText('1 line added, 1 line removed.')).toBeInTheDocument();
    const removed = within(diff).getByText('Removed:').parentElement;
    const added = within(diff).getByText('Added:').parentElement;
    expect(removed).toHaveClass('diff__line--removed');
    expect(removed).toHaveTextContent('"acls": []');
    expect(added).toHaveClass('diff__line--added');
    expect(added).toHaveTextContent('"acls": [{"action": "accept"}]');
    expect(within(diff).getByText('--- a/policy.hujson')).toHaveClass('diff__line--file');
    expect(within(diff).getByText('@@ -1,3 +1,3 @@')).toHaveClass('diff__line--hunk');
  });

  it('shows the server’s error with its hint', async () => {
    signedInAs(oidcMe, {
      'GET /audit/events': () => apiError(400, 'filter_invalid', 'The filter is not valid.', 'Check the time range.'),
    });
    renderRoutes(routes, '/audit');
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Could not load the audit events');
    expect(alert).toHaveTextContent('The filter is not valid.');
    expect(alert).toHaveTextContent('Check the time range.');
  });

  it('is neither linked nor shown without read_audit', async () => {
    signedInAs(oidcMeAs('network_admin'));
    renderRoutes(routes, '/audit');
    expect(await screen.findByRole('heading', { level: 1, name: 'Not allowed' })).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Audit' })).not.toBeInTheDocument();
  });
});
