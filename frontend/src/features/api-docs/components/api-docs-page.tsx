import { useEffect, useId, useMemo, useState } from 'react';
import { ErrorAlert } from '@/components/ui/error-alert';
import {
  type ApiReference,
  type SchemaDoc,
  type SecuritySchemeDoc,
  matchesQuery,
} from '@/features/api-docs/api/contract';
import { useContract } from '@/features/api-docs/api/get-contract';
import { MarkdownText } from '@/features/api-docs/components/markdown-text';
import { OperationSection } from '@/features/api-docs/components/operation-section';
import { FieldTable, TypeText } from '@/features/api-docs/components/type-text';

/** ApiDocsPage is the API reference, read from the contract the server publishes. */
export function ApiDocsPage() {
  const contract = useContract();

  if (contract.isPending) {
    return (
      <div className="page">
        <title>API reference · Headway</title>
        <h1>API reference</h1>
        <p role="status" className="muted">
          Loading the API reference…
        </p>
      </div>
    );
  }
  if (contract.isError) {
    return (
      <div className="page">
        <title>API reference · Headway</title>
        <h1>API reference</h1>
        <ErrorAlert
          title="Could not load the API contract"
          error={contract.error}
          onRetry={() => void contract.refetch()}
          retrying={contract.isFetching}
        />
      </div>
    );
  }
  return <ApiReferenceView reference={contract.data} />;
}

export function ApiReferenceView({ reference }: { reference: ApiReference }) {
  const [query, setQuery] = useState('');
  const filterId = useId();
  const schemas = useMemo(() => new Map(reference.schemas.map((s) => [s.name, s])), [reference.schemas]);
  const total = reference.tags.reduce((n, t) => n + t.operations.length, 0);
  const tags = reference.tags
    .map((t) => ({ ...t, operations: t.operations.filter((op) => matchesQuery(op, query)) }))
    .filter((t) => t.operations.length > 0);
  const shown = tags.reduce((n, t) => n + t.operations.length, 0);

  // The page renders once the contract arrives, after the browser looked for
  // the #fragment: scroll to it now.
  useEffect(() => {
    const id = decodeURIComponent(window.location.hash.slice(1));
    if (id) document.getElementById(id)?.scrollIntoView();
  }, []);

  return (
    <div className="page api-docs">
      <title>API reference · Headway</title>
      <h1>{reference.title}</h1>
      {reference.version && <p className="muted">Version {reference.version}</p>}
      {reference.description && <MarkdownText text={reference.description} className="api-text" />}

      <nav aria-label="API reference" className="api-docs__toc">
        <ul>
          <li>
            <a href="#base-url">Base URL</a>
          </li>
          <li>
            <a href="#authentication">Authentication</a>
          </li>
          {reference.tags.map((t) => (
            <li key={t.name}>
              <a href={`#${tagAnchor(t.name)}`}>{t.name}</a>
            </li>
          ))}
          <li>
            <a href="#schemas">Schemas</a>
          </li>
        </ul>
      </nav>

      <section aria-labelledby="base-url">
        <h2 id="base-url">Base URL</h2>
        {reference.serverUrls.length === 0 ? (
          <p className="muted">The contract names no server.</p>
        ) : (
          <ul className="api-docs__servers">
            {reference.serverUrls.map((url) => (
              <li key={url}>
                <code>{absolute(url)}</code>
              </li>
            ))}
          </ul>
        )}
        <p>Operation paths below are relative to it. Requests and responses are JSON.</p>
      </section>

      <section aria-labelledby="authentication">
        <h2 id="authentication">Authentication</h2>
        <p>
          Operations whose capability is <code>public</code> need no credentials. The others accept any one of:
        </p>
        <dl className="api-docs__auth">
          {reference.securitySchemes.map((s) => (
            <SecurityScheme key={s.id} scheme={s} />
          ))}
        </dl>
        <p>
          Each operation names its required capability: <code>authenticated</code> means any signed-in caller;
          any other name is a capability the caller’s role must grant. Errors always have the shape{' '}
          <code>{'{"error":{"code","message","hint"}}'}</code>.
        </p>
      </section>

      <div role="search" className="api-docs__filter">
        <div className="field">
          <label htmlFor={filterId}>Filter operations</label>
          <input
            id={filterId}
            type="search"
            className="input"
            value={query}
            onChange={(e) => {
              setQuery(e.target.value);
            }}
            aria-describedby={`${filterId}-help`}
            autoComplete="off"
            spellCheck={false}
          />
          <p id={`${filterId}-help`} className="field__help">
            By path, summary or operation ID.
          </p>
        </div>
        <p role="status" className="muted">
          {shown === total ? `${total} operations` : `${shown} of ${total} operations match`}
        </p>
      </div>

      {tags.map((tag) => (
        <section key={tag.name} aria-labelledby={tagAnchor(tag.name)} className="api-docs__tag">
          <h2 id={tagAnchor(tag.name)}>{tag.name}</h2>
          {tag.description && <MarkdownText text={tag.description} className="api-text" />}
          {tag.operations.map((op) => (
            <OperationSection key={op.id} op={op} schemas={schemas} />
          ))}
        </section>
      ))}
      {shown === 0 && <p>No operation matches “{query.trim()}”.</p>}

      <section aria-labelledby="schemas" className="api-docs__schemas">
        <h2 id="schemas">Schemas</h2>
        {reference.schemas.map((s) => (
          <SchemaSection key={s.name} schema={s} />
        ))}
      </section>
    </div>
  );
}

function SecurityScheme({ scheme }: { scheme: SecuritySchemeDoc }) {
  if (scheme.type === 'apiKey' && scheme.in === 'cookie') {
    return (
      <>
        <dt>
          Session cookie <code>{scheme.paramName}</code>
        </dt>
        <dd>
          What a browser carries after signing in. Every unsafe request (<code>POST</code>, <code>PUT</code>,{' '}
          <code>PATCH</code>, <code>DELETE</code>) sent with it must also send the session’s CSRF token, which{' '}
          <code>GET /me</code> returns, in the <code>X-CSRF-Token</code> header.
          {scheme.description && <MarkdownText text={scheme.description} className="api-text" />}
        </dd>
      </>
    );
  }
  if (scheme.type === 'http' && scheme.scheme?.toLowerCase() === 'bearer') {
    return (
      <>
        <dt>
          <code>Authorization: Bearer &lt;token&gt;</code>
        </dt>
        <dd>
          {scheme.description && <MarkdownText text={scheme.description} className="api-text" />}
          For scripts: send the header on every request; no CSRF token is needed.
        </dd>
      </>
    );
  }
  return (
    <>
      <dt>
        <code>{scheme.id}</code> ({scheme.type}
        {scheme.in && `, in ${scheme.in}`}
        {scheme.paramName && ` as ${scheme.paramName}`})
      </dt>
      <dd>{scheme.description && <MarkdownText text={scheme.description} className="api-text" />}</dd>
    </>
  );
}

function SchemaSection({ schema }: { schema: SchemaDoc }) {
  const titleId = `${schema.anchor}-title`;
  return (
    <section id={schema.anchor} aria-labelledby={titleId} className="card api-schema">
      <h3 id={titleId}>{schema.name}</h3>
      {schema.description && <MarkdownText text={schema.description} className="api-text" />}
      {schema.type.kind === 'object' ? (
        <FieldTable fields={schema.type.fields} caption={`Fields of ${schema.name}`} />
      ) : (
        <p>
          Type: <TypeText type={schema.type} />
        </p>
      )}
    </section>
  );
}

/** absolute resolves a server URL from the contract (often just a path) against this page. */
function absolute(url: string): string {
  try {
    return new URL(url, window.location.origin).href;
  } catch {
    return url;
  }
}

/** tagAnchor is the id of a tag's heading. */
function tagAnchor(name: string): string {
  return `tag-${name.replace(/[^A-Za-z0-9_-]+/g, '-')}`;
}
