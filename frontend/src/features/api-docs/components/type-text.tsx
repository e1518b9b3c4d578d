import { Fragment } from 'react';
import { type Field, type SchemaDoc, type TypeRef, schemaAnchor } from '@/features/api-docs/api/contract';
import { MarkdownText } from '@/features/api-docs/components/markdown-text';

/** TypeText reads a type aloud: named schemas link to their section in "Schemas". */
export function TypeText({ type }: { type: TypeRef }) {
  switch (type.kind) {
    case 'ref':
      return <a href={`#${schemaAnchor(type.name)}`}>{type.name}</a>;
    case 'array':
      return (
        <>
          array of <TypeText type={type.items} />
        </>
      );
    case 'map':
      return (
        <>
          map of string to <TypeText type={type.values} />
        </>
      );
    case 'object':
      return <>object</>;
    case 'union':
      return (
        <>
          {type.mode === 'allOf' ? 'all of ' : 'one of '}
          {type.of.map((t, i) => (
            <Fragment key={i}>
              {i > 0 && (type.mode === 'allOf' ? ' and ' : ' or ')}
              <TypeText type={t} />
            </Fragment>
          ))}
        </>
      );
    case 'scalar':
      return (
        <>
          {type.type}
          {type.format && ` (${type.format})`}
          {type.values && (
            <>
              , one of{' '}
              {type.values.map((v, i) => (
                <Fragment key={v}>
                  {i > 0 && ', '}
                  <code>{v}</code>
                </Fragment>
              ))}
            </>
          )}
        </>
      );
  }
}

type Row = Field & { path: string };

/** rows lists fields with the fields of inline objects after their parent ("parent.child", "items[].child"). */
function rows(fields: Field[], prefix = ''): Row[] {
  return fields.flatMap((f) => {
    const path = `${prefix}${f.name}`;
    const row: Row = { ...f, path };
    if (f.type.kind === 'object') return [row, ...rows(f.type.fields, `${path}.`)];
    if (f.type.kind === 'array' && f.type.items.kind === 'object') {
      return [row, ...rows(f.type.items.fields, `${path}[].`)];
    }
    return [row];
  });
}

/** FieldTable lists an object's fields: name, type, whether required, description. */
export function FieldTable({ fields, caption }: { fields: Field[]; caption: string }) {
  if (fields.length === 0) return <p className="muted">No fields.</p>;
  return (
    <div className="table-wrap api-fields">
      <table className="table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Type</th>
            <th scope="col">Required</th>
            <th scope="col">Description</th>
          </tr>
        </thead>
        <tbody>
          {rows(fields).map((f) => (
            <tr key={f.path}>
              <th scope="row" className="api-fields__name">
                <code>{f.path}</code>
              </th>
              <td>
                <TypeText type={f.type} />
              </td>
              <td>{f.required ? 'Required' : 'Optional'}</td>
              <td>{f.description ? <MarkdownText text={f.description} className="api-text" /> : null}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * TypeDetails shows a type and, when it is an object (inline or a named
 * schema), its fields.
 */
export function TypeDetails({
  type,
  schemas,
  caption,
}: {
  type: TypeRef;
  schemas: ReadonlyMap<string, SchemaDoc>;
  caption: string;
}) {
  const target = type.kind === 'ref' ? schemas.get(type.name)?.type : type;
  return (
    <>
      <p>
        Schema: <TypeText type={type} />
      </p>
      {target?.kind === 'object' && <FieldTable fields={target.fields} caption={caption} />}
    </>
  );
}
