// An API token's lifetime (a preset or a date, never past auth.token_max_age)
// and name, checked as the server checks them; the server stays authoritative.

/** A lifetime to pick: its value in the select, its label, its length in days. */
export type ExpiryPreset = { value: string; label: string; days: number };

/** The lifetime offered first. */
export const defaultDays = 30;

const standardDays = [7, 30, 60, 90, 180, 365];
const dayMs = 86_400_000;

/** The longest name the server accepts. */
export const maxNameLength = 64;

/** whole turns maxAgeDays into whole days, at least one; undefined while unknown. */
function whole(maxAgeDays: number | undefined): number | undefined {
  return maxAgeDays === undefined ? undefined : Math.max(1, Math.floor(maxAgeDays));
}

/**
 * expiryPresets offers the usual lifetimes up to maxAgeDays, and maxAgeDays
 * itself (the longest allowed); all of the usual ones while it is unknown.
 */
export function expiryPresets(maxAgeDays: number | undefined): ExpiryPreset[] {
  const max = whole(maxAgeDays);
  const days = standardDays.filter((d) => max === undefined || d <= max);
  if (max !== undefined && !days.includes(max)) days.push(max);
  return days
    .sort((a, b) => a - b)
    .map((d) => ({
      value: `${d}d`,
      label: `${d === 1 ? '1 day' : `${d} days`}${d === max ? ' (the longest allowed)' : ''}`,
      days: d,
    }));
}

/** defaultExpiry is the preset chosen at first: 30 days, or the longest allowed when that is shorter. */
export function defaultExpiry(maxAgeDays: number | undefined): string {
  const presets = expiryPresets(maxAgeDays);
  return (presets.find((p) => p.days === defaultDays) ?? presets.at(-1))?.value ?? 'custom';
}

const pad = (n: number) => String(n).padStart(2, '0');

/** dateInput formats t as a date field's value (yyyy-mm-dd) in the viewer's time zone. */
export function dateInput(t: Date): string {
  return `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())}`;
}

/** customDateBounds are the first and last days the date field offers: today, and the day the longest lifetime ends. */
export function customDateBounds(maxAgeDays: number | undefined, now: Date = new Date()): { min: string; max?: string } {
  const max = whole(maxAgeDays);
  return {
    min: dateInput(now),
    max: max === undefined ? undefined : dateInput(new Date(now.getTime() + max * dayMs)),
  };
}

export type Expiration = { expiresAt: string } | { problem: 'missing' | 'past' | 'too_far' };

/**
 * tokenExpiration turns a preset, or "custom" with a yyyy-mm-dd date (the
 * end of that day, the viewer's time), into an RFC 3339 time no later than
 * maxAgeDays from now; or says what is wrong with the date. On the last
 * allowed day the token ends when the longest lifetime does, not at midnight.
 */
export function tokenExpiration(
  choice: string,
  customDate: string,
  maxAgeDays: number | undefined,
  now: Date = new Date(),
): Expiration {
  const max = whole(maxAgeDays);
  const limit = max === undefined ? Infinity : now.getTime() + max * dayMs;
  const preset = expiryPresets(maxAgeDays).find((p) => p.value === choice);
  if (preset) return { expiresAt: new Date(Math.min(now.getTime() + preset.days * dayMs, limit)).toISOString() };
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(customDate);
  if (!m) return { problem: 'missing' };
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const end = new Date(y, mo - 1, d, 23, 59, 59);
  if (Number.isNaN(end.getTime()) || end.getDate() !== d || end.getMonth() !== mo - 1) return { problem: 'missing' };
  if (end.getTime() <= now.getTime()) return { problem: 'past' };
  if (limit !== Infinity && customDate > dateInput(new Date(limit))) return { problem: 'too_far' };
  return { expiresAt: new Date(Math.min(end.getTime(), limit)).toISOString() };
}

/** expirationProblem says what is wrong with a custom date, for the field. */
export function expirationProblem(problem: 'missing' | 'past' | 'too_far', maxAgeDays: number | undefined): string {
  if (problem === 'missing') return 'Choose a date.';
  if (problem === 'past') return 'Choose a date in the future.';
  return `Choose a date at most ${String(whole(maxAgeDays))} days from today.`;
}

/** nameProblem says what is wrong with a token's name, or undefined when it will do. */
export function nameProblem(name: string): string | undefined {
  const n = name.trim();
  if (n === '') return 'Give the token a name, so you know what uses it.';
  if (Array.from(n).length > maxNameLength) return `Use at most ${maxNameLength} characters.`;
  if (/\p{Cc}/u.test(n)) return 'Use no control characters (tabs, line breaks).';
  return undefined;
}
