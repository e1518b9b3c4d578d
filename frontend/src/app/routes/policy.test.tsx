import { EditorView } from '@codemirror/view';
import { screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { components } from '@/api/schema';
import { routes } from '@/app/router';
import { apiError, info, oidcMe, oidcMeAs, stubApi, type Me } from '@/testing/api';
import { jsonResponse, renderRoutes } from '@/testing/render';

vi.mock('@/lib/navigate-away', () => ({ navigateAway: vi.fn() }));

type Policy = components['schemas']['Policy'];

const original = '{\n  // who may reach what\n  "acls": [],\n}';
const policy = (text = original, extra: Partial<Policy> = {}): Policy => ({
  policy: text,
  version: 'v1',
  mode: 'database',
  updatedAt: '2025-01-01T00:00:00Z',
  ...extra,
});

function signedInAs(me: Me, extra: Parameters<typeof stubApi>[0] = {}) {
  return stubApi({
    'GET /me': () => jsonResponse(me),
    'GET /info': () => jsonResponse(info()),
    'GET /policy': () => jsonResponse(policy()),
    ...extra,
  });
}

/** editor returns the policy editor's text box and its CodeMirror view. */
async function editor() {
  // The editor lives in a shadow root (see PolicyEditor), which screen's queries do not enter.
  const shadow = await waitFor(() => {
    const root = document.querySelector('.policy-editor')?.shadowRoot;
    if (!root?.querySelector('.cm-content')) throw new Error('the policy editor is not there yet');
    return root;
  });
  const box = within(shadow as unknown as HTMLElement).getByRole('textbox', { name: 'Policy' });
  const view = EditorView.findFromDOM(box);
  if (!view) throw new Error('no CodeMirror view');
  return { box, view };
}

/** type replaces the editor's text, as typing would. */
function replaceText(view: EditorView, text: string) {
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
}

async function policyPage() {
  const view = renderRoutes(routes, '/policy');
  await screen.findByRole('heading', { level: 1, name: 'Access controls' });
  return view;
}

const edited = '{\n  // who may reach what\n  "acls": [{"action": "accept", "src": ["*"], "dst": ["*:*"]}],\n}';

describe('policy page', () => {
  it('loads the policy into the editor', async () => {
    signedInAs(oidcMe);
    await policyPage();
    const { view, box } = await editor();
    expect(view.state.doc.toString()).toBe(original);
    expect(box).not.toHaveAttribute('aria-readonly');
    expect(screen.getByRole('link', { name: 'Access controls' })).toHaveAttribute('aria-current', 'page');
    expect(screen.getByRole('button', { name: 'Review changes' })).toBeDisabled();
  });

  it('shows the changes as a line diff before saving, and saves with the version it started from', async () => {
    let saved: unknown;
    signedInAs(oidcMe, {
      'PUT /policy': async (request) => {
        saved = await request.json();
        return jsonResponse(policy(edited, { version: 'v2' }));
      },
    });
    await policyPage();
    const { view } = await editor();
    replaceText(view, edited);
    expect(screen.queryByRole('button', { name: 'Save' })).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Review changes' }));
    const review = screen.getByRole('region', { name: 'Review changes' });
    expect(review).toHaveTextContent('1 line added, 1 line removed.');
    const changes = within(review).getByRole('group', { name: 'Changes' });
    expect(changes).toHaveTextContent('Removed: "acls": [],');
    expect(changes).toHaveTextContent('Added: "acls": [{"action": "accept"');
    await userEvent.click(within(review).getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Saved: Headscale applies the new policy at once.')).toBeInTheDocument();
    expect(saved).toEqual({ policy: edited, baseVersion: 'v1' });
    expect(screen.queryByRole('region', { name: 'Review changes' })).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Review changes' })).toBeDisabled();
  });

  it('keeps the text on a conflict, and offers the latest with the text kept below', async () => {
    const latest = '{\n  "acls": [],\n  "groups": {},\n}';
    let version = 'v1';
    const bodies: unknown[] = [];
    signedInAs(oidcMe, {
      'GET /policy': () => jsonResponse(version === 'v1' ? policy() : policy(latest, { version: 'v2' })),
      'PUT /policy': async (request) => {
        const body = (await request.json()) as { baseVersion: string };
        bodies.push(body);
        if (body.baseVersion !== 'v2') {
          return apiError(
            409,
            'policy_conflict',
            'Someone changed the policy since you loaded it; nothing was saved.',
            'Reload the policy to see their change; your text is kept in the editor, so you can apply your edit again.',
          );
        }
        return jsonResponse(policy(edited, { version: 'v3' }));
      },
    });
    await policyPage();
    const { view } = await editor();
    replaceText(view, edited);
    version = 'v2'; // someone else saves meanwhile
    await userEvent.click(screen.getByRole('button', { name: 'Review changes' }));
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Someone changed the policy since you loaded it');
    expect(alert).toHaveTextContent('your text is kept in the editor');
    expect(view.state.doc.toString()).toBe(edited);

    await userEvent.click(within(alert).getByRole('button', { name: 'Load the latest (your text is kept below)' }));
    const kept = await screen.findByRole('region', { name: 'Your unsaved text' });
    expect(kept).toHaveTextContent('"action": "accept"');
    // The editor defers outside changes for a moment after typing.
    await waitFor(() => {
      expect(view.state.doc.toString()).toBe(latest);
    });
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();

    await userEvent.click(within(kept).getByRole('button', { name: 'Put my text back in the editor' }));
    await waitFor(() => {
      expect(view.state.doc.toString()).toBe(edited);
    });
    await userEvent.click(screen.getByRole('button', { name: 'Review changes' }));
    expect(screen.getByRole('group', { name: 'Changes' })).toHaveTextContent('Removed: "groups": {},');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    await screen.findByText('Saved: Headscale applies the new policy at once.');
    expect(bodies.at(-1)).toEqual({ policy: edited, baseVersion: 'v2' });
  });

  it('shows Headscale’s verdict beside the editor and jumps to its line and column', async () => {
    signedInAs(oidcMe, {
      'POST /policy/check': () =>
        jsonResponse({ valid: false, message: 'unknown field "acl" at line 3, column 3', line: 3, column: 3 }),
    });
    await policyPage();
    const { view } = await editor();
    await userEvent.click(screen.getByRole('button', { name: 'Check' }));
    const verdict = screen.getByRole('complementary', { name: 'Headscale’s verdict'.replace('’', "'") });
    expect(await within(verdict).findByText('unknown field "acl" at line 3, column 3')).toBeInTheDocument();
    expect(verdict).toHaveTextContent('Not valid');
    const line3 = view.state.doc.line(3);
    await waitFor(() => {
      expect(view.state.selection.main.from).toBe(line3.from + 2);
    });
    expect(view.state.selection.main.to).toBe(line3.to);

    view.dispatch({ selection: { anchor: 0 } });
    await userEvent.click(within(verdict).getByRole('button', { name: 'Go to line 3, column 3' }));
    expect(view.state.selection.main.from).toBe(line3.from + 2);
  });

  it('says when Headscale accepts the policy', async () => {
    signedInAs(oidcMe, { 'POST /policy/check': () => jsonResponse({ valid: true }) });
    await policyPage();
    await editor();
    await userEvent.click(screen.getByRole('button', { name: 'Check' }));
    expect(await screen.findByText(/Valid: Headscale accepts this policy\./)).toBeInTheDocument();
  });

  it('shows why Headscale refused a save, with a way to the fault', async () => {
    signedInAs(oidcMe, {
      'PUT /policy': () =>
        apiError(
          400,
          'policy_invalid',
          'Headscale refused the policy: invalid character',
          'Fix the policy at line 2, column 4, and save again; nothing was saved.',
        ),
    });
    await policyPage();
    const { view } = await editor();
    replaceText(view, '{\n  x\n}');
    await userEvent.click(screen.getByRole('button', { name: 'Review changes' }));
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Headscale refused the policy: invalid character');
    await userEvent.click(screen.getByRole('button', { name: 'Go to line 2, column 4' }));
    expect(view.state.selection.main.from).toBe(view.state.doc.line(2).from + 3);
    expect(view.state.doc.toString()).toBe('{\n  x\n}');
  });

  it('discards the edit', async () => {
    signedInAs(oidcMe);
    await policyPage();
    const { view } = await editor();
    replaceText(view, edited);
    await userEvent.click(screen.getByRole('button', { name: 'Discard' }));
    await waitFor(() => {
      expect(view.state.doc.toString()).toBe(original);
    });
  });

  it('is read-only in file mode, saying why', async () => {
    signedInAs(oidcMe, { 'GET /policy': () => jsonResponse(policy(original, { mode: 'file' })) });
    await policyPage();
    const { box, view } = await editor();
    expect(box).toHaveAttribute('aria-readonly', 'true');
    expect(box).toHaveAccessibleDescription(/Headscale reads this policy from a file/);
    expect(view.state.readOnly).toBe(true);
    expect(screen.queryByRole('button', { name: 'Review changes' })).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Check' })).toBeEnabled();
  });

  it('is read-only without write_policy', async () => {
    signedInAs(oidcMeAs('auditor'));
    await policyPage();
    const { box } = await editor();
    expect(box).toHaveAccessibleDescription('Your role can read the policy but not change it.');
    expect(screen.queryByRole('button', { name: 'Discard' })).not.toBeInTheDocument();
  });
});
