import { screen, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ApiDocsPage } from '@/features/api-docs/components/api-docs-page';
import { apiError, stubApi } from '@/testing/api';
import { renderWithQuery } from '@/testing/render';

const contract = `
openapi: 3.0.3
info:
  title: Headway API
  version: 0.1.0
  description: |
    The JSON API of Headway.

    Every operation declares \`x-capability\`. <script>alert(1)</script>
servers:
  - url: /admin/api/v1
tags:
  - name: auth
    description: Signing in and out.
  - name: iam
security:
  - sessionCookie: []
  - bearer: []
paths:
  /me:
    get:
      operationId: getMe
      summary: Who is calling
      tags: [auth]
      x-capability: authenticated
      responses:
        "200":
          description: The caller.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/Me"
        default:
          $ref: "#/components/responses/Error"
  /sessions:
    get:
      operationId: listSessions
      summary: The caller's sessions
      tags: [auth]
      x-capability: authenticated
      responses:
        "200":
          description: Sessions.
  /console-users/{userId}:
    patch:
      operationId: updateConsoleUser
      summary: Change a console user's role
      description: Error codes \`last_owner\` (409).
      tags: [iam]
      x-capability: manage_users
      parameters:
        - $ref: "#/components/parameters/UserId"
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: "#/components/schemas/ConsoleUserUpdate"
      responses:
        "200":
          description: Updated.
components:
  parameters:
    UserId:
      name: userId
      in: path
      required: true
      schema:
        type: string
  securitySchemes:
    sessionCookie:
      type: apiKey
      in: cookie
      name: headway_session
    bearer:
      type: http
      scheme: bearer
      description: A Headscale API key.
  responses:
    Error:
      description: Any error.
      content:
        application/json:
          schema:
            $ref: "#/components/schemas/Error"
  schemas:
    Error:
      type: object
      required: [error]
      properties:
        error:
          type: object
          required: [code]
          properties:
            code:
              type: string
              description: Stable code.
    Me:
      type: object
      required: [kind]
      properties:
        kind:
          type: string
          enum: [oidc, api_key]
        sessions:
          type: array
          items:
            $ref: "#/components/schemas/Session"
    Session:
      type: object
      properties:
        expiresAt:
          type: string
          format: date-time
    Role:
      type: string
      enum: [owner, viewer]
    ConsoleUserUpdate:
      type: object
      required: [role]
      properties:
        role:
          $ref: "#/components/schemas/Role"
`;

function serveContract(body = contract) {
  return stubApi({
    'GET /admin/api/openapi.yaml': () =>
      new Response(body, { headers: { 'Content-Type': 'application/yaml' } }),
  });
}

describe('ApiDocsPage', () => {
  it('shows the contract: title, base URL, authentication, operations by tag and schemas', async () => {
    serveContract();
    renderWithQuery(<ApiDocsPage />);

    expect(await screen.findByRole('heading', { level: 1, name: 'Headway API' })).toBeInTheDocument();
    // Markdown is text: code spans, and HTML shown as it is written, never run.
    expect(screen.getByText('x-capability', { selector: 'code' })).toBeInTheDocument();
    expect(screen.getByText(/<script>alert\(1\)<\/script>/)).toBeInTheDocument();
    expect(document.querySelector('script')).toBeNull();

    const baseUrl = screen.getByRole('region', { name: 'Base URL' });
    expect(within(baseUrl).getByText(`${window.location.origin}/admin/api/v1`)).toBeInTheDocument();
    const auth = screen.getByRole('region', { name: 'Authentication' });
    expect(within(auth).getByText('headway_session')).toBeInTheDocument();
    expect(within(auth).getByText('X-CSRF-Token')).toBeInTheDocument();
    expect(within(auth).getByText('Authorization: Bearer <token>')).toBeInTheDocument();

    // Operations are grouped by tag, each a section with its operationId as id.
    expect(screen.getByRole('heading', { level: 2, name: 'auth' })).toBeInTheDocument();
    const getMe = screen.getByRole('region', { name: 'Who is calling' });
    expect(getMe).toHaveAttribute('id', 'getMe');
    expect(within(getMe).getByRole('heading', { level: 3, name: 'Who is calling' })).toBeInTheDocument();
    expect(within(getMe).getByText('GET')).toBeInTheDocument();
    expect(within(getMe).getByText('/me')).toBeInTheDocument();
    expect(within(getMe).getByText('authenticated')).toBeInTheDocument();
    // Responses: status, description and schema, linked to its section; $ref responses resolved.
    const responses = within(getMe).getByRole('table', { name: 'Responses of getMe' });
    expect(within(responses).getByRole('link', { name: 'Me' })).toHaveAttribute('href', '#schema-Me');
    expect(within(responses).getByText('default')).toBeInTheDocument();
    expect(within(responses).getByText('Any error.')).toBeInTheDocument();
    expect(within(responses).getByRole('link', { name: 'Error' })).toHaveAttribute('href', '#schema-Error');

    // Parameters from $ref, and the request body's fields.
    const update = screen.getByRole('region', { name: "Change a console user's role" });
    expect(within(update).getByText('manage_users')).toBeInTheDocument();
    expect(within(update).getByText('PATCH')).toBeInTheDocument();
    const params = within(update).getByRole('table', { name: 'Parameters of updateConsoleUser' });
    expect(within(params).getByRole('rowheader', { name: 'userId' })).toBeInTheDocument();
    expect(within(params).getByText('path')).toBeInTheDocument();
    const body = within(update).getByRole('table', { name: 'Request body of updateConsoleUser' });
    const roleRow = within(body).getByRole('row', { name: /role/ });
    expect(within(roleRow).getByRole('link', { name: 'Role' })).toHaveAttribute('href', '#schema-Role');
    expect(within(roleRow).getByText('Required')).toBeInTheDocument();

    // Schemas: field lists, nested inline objects, arrays of refs, enums.
    const schemas = screen.getByRole('region', { name: 'Schemas' });
    const me = within(schemas).getByRole('region', { name: 'Me' });
    expect(me).toHaveAttribute('id', 'schema-Me');
    const sessionsRow = within(me).getByRole('row', { name: /sessions/ });
    expect(sessionsRow).toHaveTextContent('array of Session');
    expect(within(sessionsRow).getByText('Optional')).toBeInTheDocument();
    expect(within(me).getByRole('row', { name: /kind/ })).toHaveTextContent('string, one of oidc, api_key');
    const error = within(schemas).getByRole('region', { name: 'Error' });
    expect(within(error).getByRole('rowheader', { name: 'error.code' })).toBeInTheDocument();
    expect(within(schemas).getByRole('region', { name: 'Session' })).toHaveTextContent('string (date-time)');
  });

  it('filters operations by path, summary or operationId', async () => {
    serveContract();
    renderWithQuery(<ApiDocsPage />);
    const filter = await screen.findByRole('searchbox', { name: 'Filter operations' });
    expect(screen.getByRole('status')).toHaveTextContent('3 operations');

    await userEvent.type(filter, 'SESSIONS');
    expect(screen.getByRole('region', { name: "The caller's sessions" })).toBeInTheDocument();
    expect(screen.queryByRole('region', { name: 'Who is calling' })).not.toBeInTheDocument();
    expect(screen.queryByRole('heading', { level: 2, name: 'iam' })).not.toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('1 of 3 operations match');

    await userEvent.clear(filter);
    await userEvent.type(filter, 'updateConsole');
    expect(screen.getByRole('region', { name: "Change a console user's role" })).toBeInTheDocument();
    expect(screen.queryByRole('region', { name: "The caller's sessions" })).not.toBeInTheDocument();

    await userEvent.clear(filter);
    await userEvent.type(filter, 'nothing-like-this');
    expect(screen.getByText('No operation matches “nothing-like-this”.')).toBeInTheDocument();
  });

  it('says when the contract cannot be loaded', async () => {
    stubApi({ 'GET /admin/api/openapi.yaml': () => apiError(500, 'internal', 'Something broke.') });
    renderWithQuery(<ApiDocsPage />);
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Could not load the API contract');
    expect(alert).toHaveTextContent('Something broke.');
  });

  it('says when the answer is not an OpenAPI contract', async () => {
    serveContract('<!doctype html><title>proxy</title>');
    renderWithQuery(<ApiDocsPage />);
    expect(await screen.findByRole('alert')).toHaveTextContent('The API contract could not be read');
  });
});
