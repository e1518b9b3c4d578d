import { describe, expect, it } from 'vitest';
import { auditQuery, exportUrl } from '@/features/audit/api/export-audit-events';
import {
  filterFrom,
  fromLocalInput,
  instant,
  isFiltered,
  toLocalInput,
} from '@/features/audit/components/filter';

describe('filterFrom', () => {
  it('reads every filter from the URL, trimmed', () => {
    const params = new URLSearchParams(
      'actor=%20alice@example.com%20&action=machine.&targetType=machine&targetId=12&result=denied' +
        '&since=2025-01-02T09:30:00Z&until=2025-01-03T00:00:00.000Z&unrelated=1',
    );
    expect(filterFrom(params)).toEqual({
      actor: 'alice@example.com',
      action: 'machine.',
      targetType: 'machine',
      targetId: '12',
      result: 'denied',
      since: '2025-01-02T09:30:00Z',
      until: '2025-01-03T00:00:00Z',
    });
  });

  it('drops empty values, unknown results and what is not a time', () => {
    const params = new URLSearchParams('actor=%20&result=maybe&since=yesterday&until=2025&targetId=');
    expect(filterFrom(params)).toEqual({});
    expect(isFiltered(filterFrom(params))).toBe(false);
  });

  it('normalises a time with an offset to UTC', () => {
    expect(filterFrom(new URLSearchParams('since=2025-01-02T10:30:00%2B01:00')).since).toBe('2025-01-02T09:30:00Z');
  });

  it('round-trips through the query string the page and the export share', () => {
    const filter = filterFrom(new URLSearchParams('result=failed&actor=bob&since=2025-01-02T09:30:00Z'));
    expect(auditQuery(filter).toString()).toBe('actor=bob&result=failed&since=2025-01-02T09%3A30%3A00Z');
    expect(filterFrom(auditQuery(filter))).toEqual(filter);
  });
});

describe('exportUrl', () => {
  it('is the export operation with the filters and the format', () => {
    expect(exportUrl({ action: 'policy.update', targetType: 'policy' }, 'csv')).toBe(
      '/admin/api/v1/audit/events/export?action=policy.update&targetType=policy&format=csv',
    );
    expect(exportUrl({}, 'ndjson')).toBe('/admin/api/v1/audit/events/export?format=ndjson');
  });
});

describe('instant', () => {
  it.each<[string | null, string | undefined]>([
    ['2025-01-02T09:30:00Z', '2025-01-02T09:30:00Z'],
    ['2025-01-02T09:30:00.123Z', '2025-01-02T09:30:00Z'],
    ['2025-01-02', undefined],
    ['2025-13-40T99:00:00Z', undefined],
    ['', undefined],
    [null, undefined],
  ])('instant(%j) = %j', (value, want) => {
    expect(instant(value)).toBe(want);
  });
});

describe('local time fields', () => {
  it('show a UTC instant in local time and read it back', () => {
    const local = new Date(2025, 0, 2, 10, 30); // 10:30 on 2 January, this machine's time
    const utc = local.toISOString().replace('.000Z', 'Z');
    expect(toLocalInput(utc)).toBe('2025-01-02T10:30');
    expect(fromLocalInput('2025-01-02T10:30')).toBe(utc);
    expect(fromLocalInput(toLocalInput(utc))).toBe(utc);
  });

  it('keep seconds when there are some', () => {
    const utc = new Date(2025, 5, 1, 8, 5, 7).toISOString().replace('.000Z', 'Z');
    expect(toLocalInput(utc)).toBe('2025-06-01T08:05:07');
    expect(fromLocalInput('2025-06-01T08:05:07')).toBe(utc);
  });

  it('treat empty and incomplete values as no time', () => {
    expect(toLocalInput(undefined)).toBe('');
    expect(toLocalInput('nonsense')).toBe('');
    expect(fromLocalInput('')).toBeUndefined();
    expect(fromLocalInput('2025-01-02')).toBeUndefined();
  });
});
