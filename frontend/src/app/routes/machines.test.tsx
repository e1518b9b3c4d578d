import { screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { routes } from '@/app/router';
import {
  apiError,
  headscaleUser,
  info,
  machine,
  machinePage,
  oidcMe,
  oidcMeAs,
  stubApi,
  type Me,
} from '@/testing/api';
import { jsonResponse, renderRoutes } from '@/testing/render';

vi.mock('@/lib/navigate-away', () => ({ navigateAway: vi.fn() }));

const laptop = machine('1', 'laptop', {
  online: true,
  exitNode: true,
  exitNodeAvailable: true,
  availableRoutes: ['0.0.0.0/0', '::/0', '10.0.0.0/24'],
  approvedRoutes: ['0.0.0.0/0', '::/0'],
});
const server = machine('2', 'server', {
  user: undefined,
  tags: ['tag:server'],
  expired: true,
  ipAddresses: ['100.64.0.2'],
});

function signedInAs(me: Me, extra: Parameters<typeof stubApi>[0] = {}) {
  return stubApi({
    'GET /me': () => jsonResponse(me),
    'GET /info': () => jsonResponse(info()),
    'GET /users': () => jsonResponse({ users: [headscaleUser('hs1', 'alice'), headscaleUser('hs2', 'bob')] }),
    'GET /machines': () => jsonResponse(machinePage([laptop, server])),
    ...extra,
  });
}

/** listQueries returns the query strings of the GET /machines calls made so far. */
function listQueries(requests: Request[]): URLSearchParams[] {
  return requests
    .filter((r) => r.method === 'GET' && new URL(r.url).pathname === '/admin/api/v1/machines')
    .map((r) => new URL(r.url).searchParams);
}

async function machinesPage(path = '/machines') {
  const view = renderRoutes(routes, path);
  await screen.findByRole('heading', { level: 1, name: 'Machines' });
  return view;
}

describe('machines page', () => {
  it('lists machines with their state in words and how fresh the data is', async () => {
    signedInAs(oidcMe);
    await machinesPage();
    const table = await screen.findByRole('table', { name: 'Machines' });

    const laptopRow = within(table).getByRole('row', { name: /laptop/ });
    expect(laptopRow).toHaveTextContent('Online');
    expect(laptopRow).toHaveTextContent('Exit node');
    expect(laptopRow).toHaveTextContent('Subnet routes');
    expect(laptopRow).toHaveTextContent('alice');
    expect(within(laptopRow).getByRole('link', { name: 'laptop' })).toHaveAttribute('href', '/admin/machines/1');

    const serverRow = within(table).getByRole('row', { name: /server/ });
    expect(serverRow).toHaveTextContent('Offline');
    expect(serverRow).toHaveTextContent('Expired');
    expect(serverRow).toHaveTextContent('tag:server');
    expect(serverRow).toHaveTextContent('Tagged');

    expect(screen.getByText('Updated 3 s ago')).toBeInTheDocument();
    expect(screen.getByText('Showing 1–2 of 2')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Machines' })).toHaveAttribute('aria-current', 'page');
  });

  it('warns when Headscale stopped answering', async () => {
    signedInAs(oidcMe, { 'GET /machines': () => jsonResponse(machinePage([laptop], { stale: true, dataAge: 95 })) });
    await machinesPage();

    expect(await screen.findByText('Headscale is not answering; showing data from 1 min ago')).toBeInTheDocument();
    expect(screen.queryByText(/^Updated/)).toBeNull();
  });

  it('searches on the server after typing pauses, and keeps the search in the URL', async () => {
    const { requests } = signedInAs(oidcMe);
    const { router } = await machinesPage('/machines?page=2');
    await screen.findByRole('table', { name: 'Machines' });

    await userEvent.type(screen.getByRole('searchbox', { name: 'Search' }), 'lap');
    await waitFor(() => {
      expect(router.state.location.search).toBe('?q=lap');
    });
    await waitFor(() => {
      expect(listQueries(requests).at(-1)?.get('q')).toBe('lap');
    });
    const last = listQueries(requests).at(-1);
    expect(last?.get('page')).toBe('1');
    expect(last?.get('pageSize')).toBe('50');
    // One request for the typed word, not one per key.
    expect(listQueries(requests).filter((q) => q.has('q'))).toHaveLength(1);
  });

  it('filters by status, user, routes and exit node through the URL', async () => {
    const { requests } = signedInAs(oidcMe);
    const { router } = await machinesPage();
    await screen.findByRole('table', { name: 'Machines' });

    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Status' }), 'Offline');
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'User' }), 'bob');
    await userEvent.click(screen.getByRole('checkbox', { name: 'Advertises routes' }));
    await userEvent.click(screen.getByRole('checkbox', { name: 'Offers an exit node' }));

    await waitFor(() => {
      expect(Object.fromEntries(new URLSearchParams(router.state.location.search))).toEqual({
        status: 'offline',
        user: 'hs2',
        routes: 'true',
        exitNode: 'true',
      });
    });
    await waitFor(() => {
      const last = listQueries(requests).at(-1);
      expect(last?.get('exitNode')).toBe('true');
    });
    const last = listQueries(requests).at(-1);
    expect(last?.get('status')).toBe('offline');
    expect(last?.get('user')).toBe('hs2');
    expect(last?.get('routes')).toBe('true');
  });

  it('reads filters from a shared URL', async () => {
    const { requests } = signedInAs(oidcMe);
    await machinesPage('/machines?status=online&tag=tag%3Aserver&sort=created&order=desc&page=3');
    await screen.findByRole('table', { name: 'Machines' });

    expect(screen.getByRole('combobox', { name: 'Status' })).toHaveValue('online');
    expect(screen.getByRole('textbox', { name: 'Tag' })).toHaveValue('tag:server');
    const q = listQueries(requests)[0];
    expect(q?.get('tag')).toBe('tag:server');
    expect(q?.get('sort')).toBe('created');
    expect(q?.get('order')).toBe('desc');
    expect(q?.get('page')).toBe('3');
    expect(screen.getByRole('columnheader', { name: /Created/ })).toHaveAttribute('aria-sort', 'descending');
  });

  it('sorts by a column, and reverses on a second click', async () => {
    const { requests } = signedInAs(oidcMe);
    const { router } = await machinesPage();
    await screen.findByRole('table', { name: 'Machines' });
    expect(screen.getByRole('columnheader', { name: /Name/ })).toHaveAttribute('aria-sort', 'ascending');

    await userEvent.click(screen.getByRole('button', { name: 'Last seen' }));
    await waitFor(() => {
      expect(router.state.location.search).toBe('?sort=lastSeen&order=asc');
    });
    expect(screen.getByRole('columnheader', { name: /Last seen/ })).toHaveAttribute('aria-sort', 'ascending');
    expect(screen.getByRole('columnheader', { name: /Name/ })).not.toHaveAttribute('aria-sort');

    await userEvent.click(screen.getByRole('button', { name: 'Last seen' }));
    await waitFor(() => {
      expect(router.state.location.search).toBe('?sort=lastSeen&order=desc');
    });
    expect(screen.getByRole('columnheader', { name: /Last seen/ })).toHaveAttribute('aria-sort', 'descending');
    await waitFor(() => {
      expect(listQueries(requests).at(-1)?.get('order')).toBe('desc');
    });
    expect(listQueries(requests).at(-1)?.get('sort')).toBe('lastSeen');
  });

  it('pages through 50 machines at a time', async () => {
    const many = Array.from({ length: 120 }, (_, i) => machine(String(i + 1), `host-${String(i + 1).padStart(3, '0')}`));
    const { requests } = signedInAs(oidcMe, {
      'GET /machines': (request) => {
        const page = Number(new URL(request.url).searchParams.get('page') ?? '1');
        return jsonResponse(machinePage(many.slice((page - 1) * 50, page * 50), { total: 120, page }));
      },
    });
    const { router } = await machinesPage();

    expect(await screen.findByText('Showing 1–50 of 120')).toBeInTheDocument();
    const pages = screen.getByRole('navigation', { name: 'Pages' });
    expect(within(pages).getByRole('button', { name: 'Previous' })).toBeDisabled();

    await userEvent.click(within(pages).getByRole('button', { name: 'Next' }));
    expect(await screen.findByText('Showing 51–100 of 120')).toBeInTheDocument();
    expect(router.state.location.search).toBe('?page=2');
    expect(listQueries(requests).at(-1)?.get('page')).toBe('2');

    await userEvent.click(within(pages).getByRole('button', { name: 'Next' }));
    expect(await screen.findByText('Showing 101–120 of 120')).toBeInTheDocument();
    expect(within(pages).getByRole('button', { name: 'Next' })).toBeDisabled();
    expect(screen.getByRole('link', { name: 'host-120' })).toBeInTheDocument();

    await userEvent.click(within(pages).getByRole('button', { name: 'Previous' }));
    expect(await screen.findByText('Showing 51–100 of 120')).toBeInTheDocument();
  });

  it('tells how to connect a first machine', async () => {
    signedInAs(oidcMe, { 'GET /machines': () => jsonResponse(machinePage([])) });
    await machinesPage();

    expect(await screen.findByText(/No machines yet:/)).toBeInTheDocument();
    expect(screen.getByText('tailscale up --login-server https://hs.example.com')).toBeInTheDocument();
  });

  it('offers to clear filters that match nothing', async () => {
    const { requests } = signedInAs(oidcMe, {
      'GET /machines': (request) =>
        jsonResponse(machinePage(new URL(request.url).searchParams.has('status') ? [] : [laptop])),
    });
    const { router } = await machinesPage('/machines?status=expired&q=zzz');

    expect(await screen.findByText('No machine matches these filters.')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => {
      expect(router.state.location.search).toBe('');
    });
    expect(await screen.findByRole('link', { name: 'laptop' })).toBeInTheDocument();
    expect(screen.getByRole('searchbox', { name: 'Search' })).toHaveValue('');
    expect(listQueries(requests).at(-1)?.has('q')).toBe(false);
  });

  it('registers a machine from a pasted login URL', async () => {
    const { requests } = signedInAs(oidcMe, {
      'POST /machines/register': () => jsonResponse(machine('9', 'phone'), { status: 201 }),
    });
    await machinesPage();
    await screen.findByRole('table', { name: 'Machines' });

    await userEvent.click(screen.getByRole('button', { name: 'Register a machine' }));
    const dialog = screen.getByRole('dialog', { name: 'Register a machine' });
    await userEvent.type(
      within(dialog).getByRole('textbox', { name: 'Registration ID or login URL' }),
      'https://hs.example.com/register/hskey-authreq-AbCdEfGhIjKlMnOpQrStUvWx',
    );
    await userEvent.selectOptions(within(dialog).getByRole('combobox', { name: 'Headscale user' }), 'bob');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Register' }));

    expect(await screen.findByRole('status')).toHaveTextContent('Registered phone');
    const post = requests.find((r) => r.method === 'POST');
    expect(await post?.json()).toEqual({ user: 'hs2', registrationId: 'hskey-authreq-AbCdEfGhIjKlMnOpQrStUvWx' });
  });

  it('is not offered to roles without read_machines', async () => {
    signedInAs(oidcMeAs('viewer', { capabilities: ['ui_access'] }));
    renderRoutes(routes, '/machines');

    expect(await screen.findByRole('heading', { level: 1, name: 'Not allowed' })).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Machines' })).toBeNull();
  });

  it('shows a banner when Headscale refuses Headway’s API key', async () => {
    signedInAs(oidcMe, {
      'GET /machines': () => apiError(502, 'headscale_key_invalid', 'Headscale rejected Headway’s API key.'),
    });
    await machinesPage();

    const alerts = await screen.findAllByRole('alert');
    expect(alerts.some((a) => a.textContent.includes('set headscale.api_key; run headway doctor'))).toBe(true);
  });

  it('shows a smaller notice when Headscale does not answer', async () => {
    signedInAs(oidcMe, {
      'GET /machines': () => apiError(502, 'headscale_unavailable', 'Headscale cannot be reached.'),
    });
    await machinesPage();

    expect(await screen.findByText(/Headscale is not answering: changes cannot be made/)).toBeInTheDocument();
  });
});

describe('machine page', () => {
  function withMachine(me: Me, m = laptop, extra: Parameters<typeof stubApi>[0] = {}) {
    return signedInAs(me, { [`GET /machines/${m.id}`]: () => jsonResponse(m), ...extra });
  }

  async function machinePageFor(id = '1') {
    const view = renderRoutes(routes, `/machines/${id}`);
    await screen.findByRole('heading', { level: 1, name: id === '1' ? 'laptop' : 'server' });
    return view;
  }

  it('shows the machine’s addresses, keys, routes and actions', async () => {
    withMachine(oidcMe);
    await machinePageFor();

    expect(screen.getByText('fd7a:115c:a1e0::1')).toBeInTheDocument();
    expect(screen.getByText('mkey:abcd…1234')).toBeInTheDocument();
    expect(screen.getByText('10.0.0.0/24')).toBeInTheDocument();
    const actions = screen.getByRole('group', { name: 'Actions' });
    expect(within(actions).getAllByRole('button').map((b) => b.textContent)).toEqual([
      'Rename',
      'Expire now',
      'Set expiry',
      'Set tags',
      'Approve routes',
      'Stop using as exit node',
      'Delete',
    ]);
  });

  it('offers no actions on a machine the viewer cannot manage', async () => {
    withMachine(oidcMeAs('viewer'), { ...laptop, canManage: false });
    await machinePageFor();

    expect(screen.queryByRole('group', { name: 'Actions' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Rename' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Delete' })).toBeNull();
  });

  it('does not offer tags to an owner of the machine without write_machines', async () => {
    withMachine(oidcMeAs('viewer'), { ...laptop, canManage: true });
    await machinePageFor();

    expect(screen.getByRole('button', { name: 'Rename' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Set tags' })).toBeNull();
  });

  it('checks the DNS-label rule before asking the server, and shows the server’s refusal', async () => {
    const { requests } = withMachine(oidcMe, laptop, {
      'POST /machines/1/rename': () =>
        apiError(409, 'machine_name_taken', 'Another machine already has that name.', 'Choose another.'),
    });
    await machinePageFor();

    await userEvent.click(screen.getByRole('button', { name: 'Rename' }));
    const dialog = screen.getByRole('dialog', { name: 'Rename laptop' });
    const input = within(dialog).getByRole('textbox', { name: 'Machine name' });
    expect(input).toHaveFocus();

    await userEvent.clear(input);
    await userEvent.type(input, '-bad_name');
    expect(input).toHaveAttribute('aria-invalid', 'true');
    expect(input).toHaveAccessibleDescription(/That is not a valid machine name/);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Rename' }));
    expect(requests.some((r) => r.method === 'POST')).toBe(false);

    await userEvent.clear(input);
    await userEvent.type(input, 'server');
    expect(input).not.toHaveAttribute('aria-invalid');
    expect(within(dialog).getByText(/will reach it as/)).toHaveTextContent('will reach it as server instead of laptop');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Rename' }));

    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('Another machine already has that name.');
    expect(alert).toHaveTextContent('Choose another.');
    expect(input).toHaveAccessibleDescription(/Another machine already has that name/);
    expect(await requests.find((r) => r.method === 'POST')?.json()).toEqual({ name: 'server' });
  });

  it('shows Headscale’s refusal of tags', async () => {
    const { requests } = withMachine(oidcMe, laptop, {
      'PUT /machines/1/tags': () =>
        apiError(400, 'tag_not_allowed', 'Headscale does not allow these tags.', 'Add it to tagOwners first.'),
    });
    await machinePageFor();

    await userEvent.click(screen.getByRole('button', { name: 'Set tags' }));
    const dialog = screen.getByRole('dialog', { name: 'Set the tags of laptop' });
    await userEvent.type(within(dialog).getByRole('textbox', { name: 'Tags' }), 'tag:web, tag:db');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save tags' }));

    expect(await within(dialog).findByRole('alert')).toHaveTextContent('Headscale does not allow these tags.');
    expect(await requests.find((r) => r.method === 'PUT')?.json()).toEqual({ tags: ['tag:web', 'tag:db'] });
  });

  it('approves subnet routes, keeping the exit node', async () => {
    const { requests } = withMachine(oidcMe, laptop, {
      'PUT /machines/1/routes': () => jsonResponse(laptop),
    });
    await machinePageFor();

    await userEvent.click(screen.getByRole('button', { name: 'Approve routes' }));
    const dialog = screen.getByRole('dialog', { name: 'Approve routes of laptop' });
    await userEvent.click(within(dialog).getByRole('checkbox', { name: '10.0.0.0/24' }));
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save routes' }));

    await waitFor(() => {
      expect(screen.queryByRole('dialog')).toBeNull();
    });
    expect(await requests.find((r) => r.method === 'PUT')?.json()).toEqual({
      routes: ['10.0.0.0/24', '0.0.0.0/0', '::/0'],
    });
  });

  it('expires a machine after saying it must sign in again', async () => {
    const { requests } = withMachine(oidcMe, laptop, {
      'POST /machines/1/expire': () => jsonResponse({ ...laptop, expired: true }),
    });
    await machinePageFor();

    await userEvent.click(screen.getByRole('button', { name: 'Expire now' }));
    const dialog = screen.getByRole('dialog', { name: 'Expire laptop now?' });
    expect(dialog).toHaveTextContent('it must sign in again');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Expire now' }));
    await waitFor(() => {
      expect(screen.queryByRole('dialog')).toBeNull();
    });
    expect(requests.find((r) => r.method === 'POST')?.url).toMatch(/\/machines\/1\/expire$/);
  });

  it('deletes only once the machine’s name is typed, then goes back to the list', async () => {
    const { requests } = withMachine(oidcMe, laptop, {
      'DELETE /machines/1': () => new Response(null, { status: 204 }),
    });
    const { router } = await machinePageFor();

    await userEvent.click(screen.getByRole('button', { name: 'Delete' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete laptop?' });
    const confirm = within(dialog).getByLabelText('Type laptop to confirm');
    const submit = within(dialog).getByRole('button', { name: 'Delete machine' });
    expect(submit).toBeDisabled();

    await userEvent.type(confirm, 'lapto{Enter}');
    expect(submit).toBeDisabled();
    expect(requests.some((r) => r.method === 'DELETE')).toBe(false);

    await userEvent.type(confirm, 'p');
    expect(submit).toBeEnabled();
    await userEvent.click(submit);

    await waitFor(() => {
      expect(router.state.location.pathname).toBe('/admin/machines');
    });
    expect(await screen.findByRole('heading', { level: 1, name: 'Machines' })).toBeInTheDocument();
    expect(requests.filter((r) => r.method === 'DELETE')).toHaveLength(1);
    // The deleted machine is not read again.
    expect(requests.filter((r) => r.method === 'GET' && r.url.endsWith('/machines/1'))).toHaveLength(1);
  });
});
