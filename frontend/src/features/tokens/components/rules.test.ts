import { describe, expect, it } from 'vitest';
import {
  customDateBounds,
  defaultExpiry,
  expirationProblem,
  expiryPresets,
  nameProblem,
  tokenExpiration,
} from '@/features/tokens/components/rules';

const day = 86_400_000;
// Noon, 10 March 2025, this machine's time.
const now = new Date(2025, 2, 10, 12, 0, 0);

describe('expiryPresets', () => {
  it('offers the usual lifetimes up to the longest allowed, which it names', () => {
    expect(expiryPresets(90).map((p) => p.label)).toEqual([
      '7 days',
      '30 days',
      '60 days',
      '90 days (the longest allowed)',
    ]);
    expect(expiryPresets(45).map((p) => p.value)).toEqual(['7d', '30d', '45d']);
    expect(expiryPresets(1).map((p) => p.label)).toEqual(['1 day (the longest allowed)']);
    expect(expiryPresets(undefined).map((p) => p.days)).toEqual([7, 30, 60, 90, 180, 365]);
  });
});

describe('defaultExpiry', () => {
  it.each<[number | undefined, string]>([
    [90, '30d'],
    [30, '30d'],
    [20, '20d'],
    [5, '5d'],
    [undefined, '30d'],
  ])('defaultExpiry(%j) = %j', (max, want) => {
    expect(defaultExpiry(max)).toBe(want);
  });
});

describe('tokenExpiration', () => {
  it('adds a preset to now', () => {
    expect(tokenExpiration('30d', '', 90, now)).toEqual({ expiresAt: new Date(now.getTime() + 30 * day).toISOString() });
    expect(tokenExpiration('90d', '', 90, now)).toEqual({ expiresAt: new Date(now.getTime() + 90 * day).toISOString() });
  });

  it('ends a custom date at the end of that day, the viewer’s time', () => {
    expect(tokenExpiration('custom', '2025-03-20', 90, now)).toEqual({
      expiresAt: new Date(2025, 2, 20, 23, 59, 59).toISOString(),
    });
    // Today still has time left.
    expect(tokenExpiration('custom', '2025-03-10', 90, now)).toEqual({
      expiresAt: new Date(2025, 2, 10, 23, 59, 59).toISOString(),
    });
  });

  it('ends the last allowed day when the longest lifetime does, not at midnight', () => {
    const last = customDateBounds(90, now).max ?? '';
    expect(tokenExpiration('custom', last, 90, now)).toEqual({
      expiresAt: new Date(now.getTime() + 90 * day).toISOString(),
    });
  });

  it('refuses a missing, impossible, past or too distant date', () => {
    expect(tokenExpiration('custom', '', 90, now)).toEqual({ problem: 'missing' });
    expect(tokenExpiration('custom', '2025-02-30', 90, now)).toEqual({ problem: 'missing' });
    expect(tokenExpiration('custom', '2025-03-09', 90, now)).toEqual({ problem: 'past' });
    const dayAfterLast = new Date(now.getTime() + 91 * day);
    const tooFar = `${String(dayAfterLast.getFullYear())}-${String(dayAfterLast.getMonth() + 1).padStart(2, '0')}-${String(dayAfterLast.getDate()).padStart(2, '0')}`;
    expect(tokenExpiration('custom', tooFar, 90, now)).toEqual({ problem: 'too_far' });
    // Without a known maximum, only the server decides.
    expect(tokenExpiration('custom', tooFar, undefined, now)).toHaveProperty('expiresAt');
  });
});

describe('customDateBounds', () => {
  it('runs from today to the day the longest lifetime ends', () => {
    expect(customDateBounds(90, now)).toEqual({ min: '2025-03-10', max: '2025-06-08' });
    expect(customDateBounds(undefined, now)).toEqual({ min: '2025-03-10', max: undefined });
  });
});

describe('problems', () => {
  it('say what to change', () => {
    expect(expirationProblem('too_far', 90)).toBe('Choose a date at most 90 days from today.');
    expect(nameProblem('  ')).toMatch(/name/);
    expect(nameProblem('x'.repeat(65))).toBe('Use at most 64 characters.');
    expect(nameProblem('é'.repeat(64))).toBeUndefined();
    expect(nameProblem('backup')).toBeUndefined();
    expect(nameProblem('a\tb')).toMatch(/control characters/);
  });
});
