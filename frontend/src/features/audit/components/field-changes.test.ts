import { describe, expect, it } from 'vitest';
import { compareFields, flatten, formatValue } from '@/features/audit/components/field-changes';

describe('compareFields', () => {
  it('lines up a change field by field, in before’s order, then new fields', () => {
    expect(
      compareFields(
        { givenName: 'web-1', tags: ['tag:a'], user: { id: '1', name: 'alice' }, expiry: null },
        { givenName: 'web-2', tags: ['tag:a'], user: { id: '2', name: 'alice' }, online: true },
      ),
    ).toEqual([
      { field: 'givenName', kind: 'changed', before: 'web-1', after: 'web-2' },
      { field: 'tags', kind: 'same', before: 'tag:a', after: 'tag:a' },
      { field: 'user.id', kind: 'changed', before: '1', after: '2' },
      { field: 'user.name', kind: 'same', before: 'alice', after: 'alice' },
      { field: 'expiry', kind: 'removed', before: 'null', after: undefined },
      { field: 'online', kind: 'added', before: undefined, after: 'true' },
    ]);
  });

  it('shows a creation as every field added and a deletion as every field removed', () => {
    expect(compareFields(undefined, { name: 'ci' })).toEqual([{ field: 'name', kind: 'added', after: 'ci' }]);
    expect(compareFields({ name: 'ci' }, undefined)).toEqual([{ field: 'name', kind: 'removed', before: 'ci' }]);
    expect(compareFields(undefined, undefined)).toEqual([]);
  });

  it('compares values, not how they are shown', () => {
    // Both show as "a, b", but one list has a single element.
    expect(compareFields({ x: ['a, b'] }, { x: ['a', 'b'] })[0]?.kind).toBe('changed');
    expect(compareFields({ n: 1 }, { n: '1' })[0]?.kind).toBe('changed');
  });
});

describe('flatten', () => {
  it('spreads nested objects into dotted paths and keeps lists and empty objects whole', () => {
    expect([...flatten({ a: { b: { c: 1 } }, d: [1, 2], e: {} })]).toEqual([
      ['a.b.c', 1],
      ['d', [1, 2]],
      ['e', {}],
    ]);
  });
});

describe('formatValue', () => {
  it.each<[unknown, string]>([
    ['text', 'text'],
    ['', '(empty)'],
    [42, '42'],
    [false, 'false'],
    [null, 'null'],
    [[], '(none)'],
    [['tag:a', 'tag:b'], 'tag:a, tag:b'],
    [[{ a: 1 }], '[{"a":1}]'],
    [{}, '{}'],
  ])('formatValue(%j) = %j', (value, want) => {
    expect(formatValue(value)).toBe(want);
  });
});
