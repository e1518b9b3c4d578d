import { describe, expect, it } from 'vitest';
import { apiKeyPresets, expirationFrom, parseTags, preAuthKeyPresets, validTag } from '@/features/keys/components/rules';

describe('expirationFrom', () => {
  const now = new Date('2025-03-01T12:00:00Z');
  it('adds a preset to now', () => {
    expect(expirationFrom(preAuthKeyPresets, '1h', '', now)).toBe('2025-03-01T13:00:00.000Z');
    expect(expirationFrom(preAuthKeyPresets, '7d', '', now)).toBe('2025-03-08T12:00:00.000Z');
    expect(expirationFrom(apiKeyPresets, '365d', '', now)).toBe('2026-03-01T12:00:00.000Z');
  });
  it('reads a custom date as the end of that day, and refuses past or malformed ones', () => {
    const custom = expirationFrom(preAuthKeyPresets, 'custom', '2025-03-10', now);
    expect(custom && new Date(custom).getDate()).toBe(10);
    expect(expirationFrom(preAuthKeyPresets, 'custom', '2025-02-01', now)).toBeUndefined();
    expect(expirationFrom(preAuthKeyPresets, 'custom', '', now)).toBeUndefined();
    expect(expirationFrom(preAuthKeyPresets, 'custom', '10/03/2025', now)).toBeUndefined();
  });
});

describe('tags', () => {
  it('splits and checks tags', () => {
    expect(parseTags('tag:a, tag:b tag:a')).toEqual(['tag:a', 'tag:b']);
    expect(validTag('tag:ci')).toBe(true);
    expect(validTag('ci')).toBe(false);
    expect(validTag('tag:CI')).toBe(false);
  });
});
