import { screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { components } from '@/api/schema';
import { routes } from '@/app/router';
import { apiError, info, oidcMe, oidcMeAs, stubApi, type Me } from '@/testing/api';
import { jsonResponse, renderRoutes } from '@/testing/render';

vi.mock('@/lib/navigate-away', () => ({ navigateAway: vi.fn() }));

type DNS = components['schemas']['DNS'];

const configured: DNS = {
  configured: true,
  writable: true,
  extraRecordsConfigured: true,
  settings: {
    baseDomain: 'tail.example.com',
    magicDns: true,
    overrideLocalDns: false,
    globalNameservers: ['1.1.1.1'],
    splitNameservers: { 'corp.example.com': ['10.0.0.53'] },
    searchDomains: [],
  },
  extraRecords: [{ name: 'grafana.tail.example.com', type: 'A', value: '100.64.0.5' }],
};

function signedInAs(me: Me, dns: DNS, extra: Parameters<typeof stubApi>[0] = {}) {
  return stubApi({
    'GET /me': () => jsonResponse(me),
    'GET /info': () => jsonResponse(info()),
    'GET /dns': () => jsonResponse(dns),
    ...extra,
  });
}

async function dnsPage() {
  renderRoutes(routes, '/dns');
  await screen.findByRole('heading', { level: 1, name: 'DNS' });
}

describe('DNS page', () => {
  it('explains how to enable it when Headscale’s configuration is not readable', async () => {
    signedInAs(oidcMe, {
      configured: false,
      writable: false,
      extraRecordsConfigured: false,
      hint: 'Set headscale.config_path to Headscale’s configuration file.',
    });
    await dnsPage();
    expect(await screen.findByText('Set headscale.config_path to Headscale’s configuration file.')).toBeInTheDocument();
    expect(screen.getByText(/Headscale has no DNS API/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Save DNS settings' })).not.toBeInTheDocument();
  });

  it('saves the settings and says Headscale must be restarted', async () => {
    let body: unknown;
    signedInAs(oidcMe, configured, {
      'PUT /dns': async (request) => {
        body = await request.json();
        return jsonResponse({ restartRequired: true });
      },
    });
    await dnsPage();
    const base = await screen.findByRole('textbox', { name: 'Base domain' });
    expect(base).toHaveValue('tail.example.com');
    await userEvent.click(screen.getByRole('button', { name: 'Add nameserver' }));
    await userEvent.type(screen.getByRole('textbox', { name: 'Nameserver 2' }), '9.9.9.9');
    await userEvent.type(screen.getByRole('textbox', { name: 'Nameservers for domain 1' }), ' 10.0.1.53');
    await userEvent.click(screen.getByRole('button', { name: 'Add search domain' }));
    await userEvent.type(screen.getByRole('textbox', { name: 'Search domain 1' }), 'example.com');
    await userEvent.click(screen.getByRole('checkbox', { name: /Override local DNS/ }));
    await userEvent.click(screen.getByRole('button', { name: 'Save DNS settings' }));
    expect(await screen.findByRole('status')).toHaveTextContent('Saved. Headscale must be restarted to apply the new settings.');
    expect(body).toEqual({
      baseDomain: 'tail.example.com',
      magicDns: true,
      overrideLocalDns: true,
      globalNameservers: ['1.1.1.1', '9.9.9.9'],
      splitNameservers: { 'corp.example.com': ['10.0.0.53', '10.0.1.53'] },
      searchDomains: ['example.com'],
    });
  });

  it('shows the restart command’s result', async () => {
    signedInAs(oidcMe, configured, {
      'PUT /dns': () =>
        jsonResponse({ restartRequired: true, restart: { ok: false, output: 'systemctl: unit headscale not found' } }),
    });
    await dnsPage();
    await userEvent.click(await screen.findByRole('button', { name: 'Save DNS settings' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Saved, but the restart command failed');
    expect(alert).toHaveTextContent('systemctl: unit headscale not found');
  });

  it('shows a successful restart', async () => {
    signedInAs(oidcMe, configured, {
      'PUT /dns': () => jsonResponse({ restartRequired: false, restart: { ok: true, output: 'restarted' } }),
    });
    await dnsPage();
    await userEvent.click(await screen.findByRole('button', { name: 'Save DNS settings' }));
    const status = await screen.findByRole('status');
    expect(status).toHaveTextContent('Saved, and Headscale was restarted');
    expect(status).toHaveTextContent('restarted');
  });

  it('shows the server’s dns_invalid message', async () => {
    signedInAs(oidcMe, configured, {
      'PUT /dns': () =>
        apiError(400, 'dns_invalid', 'Global nameserver "x" is not an IP address.', 'Nothing was changed.'),
    });
    await dnsPage();
    await userEvent.click(await screen.findByRole('button', { name: 'Save DNS settings' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Global nameserver "x" is not an IP address.');
  });

  it('edits the extra records, live', async () => {
    let body: unknown;
    signedInAs(oidcMe, configured, {
      'PUT /dns/extra-records': async (request) => {
        body = await request.json();
        return jsonResponse(body);
      },
    });
    await dnsPage();
    const table = await screen.findByRole('table', { name: 'Extra records' });
    expect(within(table).getByRole('textbox', { name: 'Name of record 1' })).toHaveValue('grafana.tail.example.com');
    await userEvent.click(screen.getByRole('button', { name: 'Add record' }));
    await userEvent.type(screen.getByRole('textbox', { name: 'Name of record 2' }), 'db.tail.example.com');
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Type of record 2' }), 'AAAA');
    await userEvent.type(screen.getByRole('textbox', { name: 'Value of record 2' }), 'fd7a:115c:a1e0::5');
    await userEvent.click(screen.getByRole('button', { name: 'Save extra records' }));
    expect(await screen.findByText('Saved: Headscale serves these records now.')).toBeInTheDocument();
    expect(body).toEqual({
      records: [
        { name: 'grafana.tail.example.com', type: 'A', value: '100.64.0.5' },
        { name: 'db.tail.example.com', type: 'AAAA', value: 'fd7a:115c:a1e0::5' },
      ],
    });
  });

  it('shows record_invalid', async () => {
    signedInAs(oidcMe, configured, {
      'PUT /dns/extra-records': () => apiError(400, 'record_invalid', '"x" is not an IPv4 address.'),
    });
    await dnsPage();
    await userEvent.click(await screen.findByRole('button', { name: 'Save extra records' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('"x" is not an IPv4 address.');
  });

  it('is read-only without write_network', async () => {
    signedInAs(oidcMeAs('auditor'), configured);
    await dnsPage();
    expect(await screen.findByRole('textbox', { name: 'Base domain' })).toBeDisabled();
    expect(screen.getByText('Your role can read the DNS settings but not change them.')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Save DNS settings' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Save extra records' })).not.toBeInTheDocument();
  });
});
