import type { OperationDoc, SchemaDoc } from '@/features/api-docs/api/contract';
import { MarkdownText } from '@/features/api-docs/components/markdown-text';
import { TypeDetails, TypeText } from '@/features/api-docs/components/type-text';

const capabilityNotes: Record<string, string> = {
  public: 'no sign-in needed',
  authenticated: 'any signed-in caller',
};

/** Capability names what a caller needs for an operation (x-capability). */
function Capability({ value }: { value?: string }) {
  if (!value) return <span className="muted">Not declared</span>;
  const note = capabilityNotes[value] ?? 'granted by the caller’s role';
  return (
    <>
      <code>{value}</code> <span className="muted">({note})</span>
    </>
  );
}

/** OperationSection documents one operation; its id is the operationId, so it can be linked to. */
export function OperationSection({
  op,
  schemas,
}: {
  op: OperationDoc;
  schemas: ReadonlyMap<string, SchemaDoc>;
}) {
  const titleId = `${op.id}-title`;
  const method = op.method.toLowerCase();
  return (
    <section id={op.id} aria-labelledby={titleId} className="card operation">
      <h3 id={titleId}>{op.summary || `${op.method} ${op.path}`}</h3>
      <p className="operation__line">
        <span className={`method method--${method}`}>{op.method}</span> <code className="operation__path">{op.path}</code>
        {op.deprecated && <span className="badge badge--neutral">Deprecated</span>}
      </p>
      <dl className="facts operation__facts">
        <dt>Operation ID</dt>
        <dd>
          <code>{op.id}</code>
        </dd>
        <dt>Required capability</dt>
        <dd>
          <Capability value={op.capability} />
        </dd>
      </dl>
      {op.description && <MarkdownText text={op.description} className="api-text" />}

      <h4>Parameters</h4>
      {op.parameters.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">Parameters of {op.id}</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">In</th>
                <th scope="col">Required</th>
                <th scope="col">Type</th>
                <th scope="col">Description</th>
              </tr>
            </thead>
            <tbody>
              {op.parameters.map((p) => (
                <tr key={`${p.in}:${p.name}`}>
                  <th scope="row" className="api-fields__name">
                    <code>{p.name}</code>
                  </th>
                  <td>{p.in}</td>
                  <td>{p.required ? 'Required' : 'Optional'}</td>
                  <td>
                    <TypeText type={p.type} />
                  </td>
                  <td>{p.description ? <MarkdownText text={p.description} className="api-text" /> : null}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h4>Request body</h4>
      {op.requestBody ? (
        <>
          <p>
            {op.requestBody.required ? 'Required' : 'Optional'}
            {op.requestBody.mediaType && (
              <>
                , <code>{op.requestBody.mediaType}</code>
              </>
            )}
          </p>
          {op.requestBody.description && <MarkdownText text={op.requestBody.description} className="api-text" />}
          {op.requestBody.type && (
            <TypeDetails type={op.requestBody.type} schemas={schemas} caption={`Request body of ${op.id}`} />
          )}
        </>
      ) : (
        <p className="muted">None.</p>
      )}

      <h4>Responses</h4>
      <div className="table-wrap">
        <table className="table">
          <caption className="visually-hidden">Responses of {op.id}</caption>
          <thead>
            <tr>
              <th scope="col">Status</th>
              <th scope="col">Description</th>
              <th scope="col">Body</th>
            </tr>
          </thead>
          <tbody>
            {op.responses.map((r) => (
              <tr key={r.status}>
                <th scope="row">
                  <code>{r.status}</code>
                </th>
                <td>
                  <MarkdownText text={r.description} className="api-text" />
                </td>
                <td>{r.type ? <TypeText type={r.type} /> : <span className="muted">None</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
