// The OpenAPI contract, read into what the reference page shows: operations
// grouped by tag, with parameters, bodies and responses resolved from $ref,
// and the named schemas as field lists.

/** TypeRef is how a value's type reads: a named schema, an array, a scalar or an inline object. */
export type TypeRef =
  | { kind: 'ref'; name: string }
  | { kind: 'array'; items: TypeRef }
  | { kind: 'map'; values: TypeRef }
  | { kind: 'object'; fields: Field[] }
  | { kind: 'union'; mode: 'oneOf' | 'anyOf' | 'allOf'; of: TypeRef[] }
  | { kind: 'scalar'; type: string; format?: string; values?: string[] };

export type Field = {
  name: string;
  type: TypeRef;
  required: boolean;
  description?: string;
};

export type SchemaDoc = {
  name: string;
  /** The anchor of the schema's section. */
  anchor: string;
  description?: string;
  type: TypeRef;
};

export type ParameterDoc = {
  name: string;
  in: string;
  required: boolean;
  type: TypeRef;
  description?: string;
};

export type BodyDoc = {
  required: boolean;
  mediaType?: string;
  type?: TypeRef;
  description?: string;
};

export type ResponseDoc = {
  status: string;
  description: string;
  mediaType?: string;
  type?: TypeRef;
};

export type OperationDoc = {
  id: string;
  method: string;
  path: string;
  summary: string;
  description?: string;
  /** x-capability: "public", "authenticated" or the capability's name. */
  capability?: string;
  deprecated: boolean;
  parameters: ParameterDoc[];
  requestBody?: BodyDoc;
  responses: ResponseDoc[];
};

export type TagDoc = { name: string; description?: string; operations: OperationDoc[] };

export type SecuritySchemeDoc = {
  id: string;
  type: string;
  /** Where an apiKey scheme's credential travels (cookie, header, query). */
  in?: string;
  /** The cookie, header or query parameter an apiKey scheme names. */
  paramName?: string;
  /** An http scheme's scheme (bearer, basic). */
  scheme?: string;
  description?: string;
};

export type ApiReference = {
  title: string;
  version?: string;
  description?: string;
  serverUrls: string[];
  securitySchemes: SecuritySchemeDoc[];
  tags: TagDoc[];
  schemas: SchemaDoc[];
};

type Json = Record<string, unknown>;

const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** InvalidContractError says the document is not an OpenAPI contract this page can read. */
export class InvalidContractError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidContractError';
  }
}

/** schemaAnchor is the id of a named schema's section. */
export function schemaAnchor(name: string): string {
  return `schema-${name}`;
}

/** toReference reads a parsed OpenAPI 3 document. */
export function toReference(doc: unknown): ApiReference {
  const root = obj(doc);
  if (!root || !str(root.openapi) || !obj(root.paths)) {
    throw new InvalidContractError('The document is not an OpenAPI 3 contract.');
  }
  const info = obj(root.info) ?? {};
  const components = obj(root.components) ?? {};
  const resolve = resolver(root);

  const tagOrder: TagDoc[] = [];
  const tagsByName = new Map<string, TagDoc>();
  const tagFor = (name: string): TagDoc => {
    let tag = tagsByName.get(name);
    if (!tag) {
      tag = { name, operations: [] };
      tagsByName.set(name, tag);
      tagOrder.push(tag);
    }
    return tag;
  };
  for (const t of arr(root.tags)) {
    const tag = obj(t);
    const name = str(tag?.name);
    if (tag && name) tagFor(name).description = str(tag.description);
  }

  for (const [path, rawItem] of Object.entries(obj(root.paths) ?? {})) {
    const item = obj(resolve(rawItem));
    if (!item) continue;
    const shared = arr(item.parameters);
    for (const method of methods) {
      const op = obj(item[method]);
      if (!op) continue;
      const operation = readOperation(method, path, op, shared, resolve);
      const tags = arr(op.tags).map(str).filter((t): t is string => t !== undefined);
      for (const name of tags.length > 0 ? tags : ['default']) tagFor(name).operations.push(operation);
    }
  }

  const schemas = Object.entries(obj(components.schemas) ?? {}).map(([name, raw]): SchemaDoc => {
    const schema = obj(raw) ?? {};
    return { name, anchor: schemaAnchor(name), description: str(schema.description), type: typeOf(schema) };
  });

  const securitySchemes = Object.entries(obj(components.securitySchemes) ?? {}).map(
    ([id, raw]): SecuritySchemeDoc => {
      const s = obj(resolve(raw)) ?? {};
      return {
        id,
        type: str(s.type) ?? 'unknown',
        in: str(s.in),
        paramName: str(s.name),
        scheme: str(s.scheme),
        description: str(s.description),
      };
    },
  );

  return {
    title: str(info.title) ?? 'API',
    version: str(info.version),
    description: str(info.description),
    serverUrls: arr(root.servers)
      .map((s) => str(obj(s)?.url))
      .filter((u): u is string => u !== undefined),
    securitySchemes,
    tags: tagOrder.filter((t) => t.operations.length > 0),
    schemas,
  };
}

/** matchesQuery tells whether an operation's path, summary or operationId contains query (any case). */
export function matchesQuery(op: OperationDoc, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (q === '') return true;
  return [op.path, op.summary, op.id].some((s) => s.toLowerCase().includes(q));
}

function readOperation(
  method: string,
  path: string,
  op: Json,
  shared: unknown[],
  resolve: (v: unknown) => unknown,
): OperationDoc {
  // Operation parameters override path-level ones with the same name and place.
  const params = new Map<string, ParameterDoc>();
  for (const raw of [...shared, ...arr(op.parameters)]) {
    const p = obj(resolve(raw));
    const name = str(p?.name);
    const where = str(p?.in);
    if (!p || !name || !where) continue;
    params.set(`${where}:${name}`, {
      name,
      in: where,
      required: p.required === true,
      type: typeOf(obj(p.schema) ?? {}),
      description: str(p.description),
    });
  }

  let requestBody: BodyDoc | undefined;
  const body = obj(resolve(op.requestBody));
  if (body) {
    const media = firstMedia(body.content);
    requestBody = {
      required: body.required === true,
      description: str(body.description),
      mediaType: media?.type,
      type: media?.schema ? typeOf(media.schema) : undefined,
    };
  }

  const responses = Object.entries(obj(op.responses) ?? {}).map(([status, raw]): ResponseDoc => {
    const r = obj(resolve(raw)) ?? {};
    const media = firstMedia(r.content);
    return {
      status,
      description: str(r.description) ?? '',
      mediaType: media?.type,
      type: media?.schema ? typeOf(media.schema) : undefined,
    };
  });

  return {
    id: str(op.operationId) ?? `${method}-${path}`,
    method: method.toUpperCase(),
    path,
    summary: str(op.summary) ?? '',
    description: str(op.description),
    capability: str(op['x-capability']),
    deprecated: op.deprecated === true,
    parameters: [...params.values()],
    requestBody,
    responses,
  };
}

function firstMedia(content: unknown): { type: string; schema?: Json } | undefined {
  const entries = Object.entries(obj(content) ?? {});
  const chosen = entries.find(([type]) => type.includes('json')) ?? entries[0];
  if (!chosen) return undefined;
  return { type: chosen[0], schema: obj(obj(chosen[1])?.schema) };
}

const schemaRef = /^#\/components\/schemas\/(.+)$/;

/** typeOf reads a schema object; references to named schemas stay references. */
function typeOf(schema: Json, depth = 0): TypeRef {
  const ref = str(schema.$ref);
  if (ref) {
    const m = schemaRef.exec(ref);
    return { kind: 'ref', name: m?.[1] ? decodePointer(m[1]) : ref };
  }
  if (depth > 8) return { kind: 'scalar', type: 'object' };
  for (const mode of ['oneOf', 'anyOf', 'allOf'] as const) {
    const parts = arr(schema[mode]).map(obj).filter((p): p is Json => p !== undefined);
    if (parts.length > 0) {
      return { kind: 'union', mode, of: parts.map((p) => typeOf(p, depth + 1)) };
    }
  }
  const type = str(schema.type);
  if (type === 'array') return { kind: 'array', items: typeOf(obj(schema.items) ?? {}, depth + 1) };
  const props = obj(schema.properties);
  if (props || type === 'object') {
    const extra = schema.additionalProperties;
    if (!props && extra !== undefined && extra !== false) {
      return { kind: 'map', values: typeOf(obj(extra) ?? {}, depth + 1) };
    }
    const required = new Set(arr(schema.required).map(str));
    return {
      kind: 'object',
      fields: Object.entries(props ?? {}).map(([name, raw]): Field => {
        const p = obj(raw) ?? {};
        return { name, type: typeOf(p, depth + 1), required: required.has(name), description: str(p.description) };
      }),
    };
  }
  const values = arr(schema.enum).map((v) => String(v));
  return {
    kind: 'scalar',
    type: type ?? 'any',
    format: str(schema.format),
    values: values.length > 0 ? values : undefined,
  };
}

/** resolver follows local $refs (#/components/...) to what they point at. */
function resolver(root: Json): (value: unknown) => unknown {
  return (value) => {
    let current = value;
    for (let hops = 0; hops < 10; hops++) {
      const ref = str(obj(current)?.$ref);
      if (!ref?.startsWith('#/')) return current;
      current = ref
        .slice(2)
        .split('/')
        .map(decodePointer)
        .reduce<unknown>((node, key) => obj(node)?.[key], root);
    }
    return current;
  };
}

function decodePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

function obj(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? (value as unknown[]) : [];
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
