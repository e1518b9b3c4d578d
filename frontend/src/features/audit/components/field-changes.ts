// Comparing an audit event's before and after, field by field.

export type FieldChangeKind = 'added' | 'removed' | 'changed' | 'same';

export type FieldChange = {
  /** The field's path: "name", or "user.name" inside a nested object. */
  field: string;
  kind: FieldChangeKind;
  /** The value before, formatted; undefined when the field was absent. */
  before?: string;
  /** The value after, formatted; undefined when the field is absent. */
  after?: string;
};

type Fields = Record<string, unknown>;

function isPlainObject(v: unknown): v is Fields {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * flatten lists an object's fields, nested objects spread into dotted paths
 * ({"user": {"name": "a"}} gives "user.name"); lists and empty objects stay
 * whole.
 */
export function flatten(obj: Fields, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  for (const [key, value] of Object.entries(obj)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isPlainObject(value) && Object.keys(value).length > 0) flatten(value, path, out);
    else out.set(path, value);
  }
  return out;
}

/**
 * formatValue shows a recorded value: text as it is, lists of plain values
 * joined by commas, anything else as JSON.
 */
export function formatValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return value === '' ? '(empty)' : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return '(none)';
    if (value.every((v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) {
      return value.map(String).join(', ');
    }
  }
  return JSON.stringify(value);
}

/**
 * compareFields lines up before and after field by field: the fields of
 * before in their order, then those only after has. A creation has no
 * before (every field added), a deletion no after (every field removed).
 */
export function compareFields(before: Fields | undefined, after: Fields | undefined): FieldChange[] {
  const a = flatten(before ?? {});
  const b = flatten(after ?? {});
  const fields = [...a.keys(), ...[...b.keys()].filter((k) => !a.has(k))];
  return fields.map((field) => {
    const inBefore = a.has(field);
    const inAfter = b.has(field);
    const old = a.get(field);
    const now = b.get(field);
    const kind: FieldChangeKind = !inBefore
      ? 'added'
      : !inAfter
        ? 'removed'
        : JSON.stringify(old) === JSON.stringify(now)
          ? 'same'
          : 'changed';
    return {
      field,
      kind,
      before: inBefore ? formatValue(old) : undefined,
      after: inAfter ? formatValue(now) : undefined,
    };
  });
}
