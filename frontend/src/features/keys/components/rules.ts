// Expiry presets, tag checks that mirror the server's (which stays
// authoritative), and formatting for keys.

/** An expiry preset: its value in the select, its label, its length in hours. */
export type ExpiryPreset = { value: string; label: string; hours: number };

export const preAuthKeyPresets: readonly ExpiryPreset[] = [
  { value: '1h', label: '1 hour', hours: 1 },
  { value: '1d', label: '1 day', hours: 24 },
  { value: '7d', label: '7 days', hours: 24 * 7 },
  { value: '90d', label: '90 days', hours: 24 * 90 },
];

export const apiKeyPresets: readonly ExpiryPreset[] = [
  { value: '30d', label: '30 days', hours: 24 * 30 },
  { value: '90d', label: '90 days', hours: 24 * 90 },
  { value: '365d', label: '365 days', hours: 24 * 365 },
];

/** The custom date's help, in every key's expiry field. */
export const customDateHelp = 'The key expires at the end of that day, your time.';

/** What is wrong when expirationFrom finds no expiration. */
export const customDateProblem = 'Choose a date in the future.';

/**
 * expirationFrom turns a preset (or "custom" with a yyyy-mm-dd date, read as
 * the end of that day in the viewer's time zone) into an RFC 3339 time, or
 * undefined when the custom date is missing, invalid or not in the future.
 */
export function expirationFrom(
  presets: readonly ExpiryPreset[],
  choice: string,
  customDate: string,
  now: Date = new Date(),
): string | undefined {
  const preset = presets.find((p) => p.value === choice);
  if (preset) return new Date(now.getTime() + preset.hours * 3_600_000).toISOString();
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(customDate);
  if (!m) return undefined;
  const end = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 23, 59, 59);
  if (Number.isNaN(end.getTime()) || end <= now) return undefined;
  return end.toISOString();
}

/** validTag reports whether tag looks like tag:name, in lower case and without spaces. */
export function validTag(tag: string): boolean {
  return /^tag:\S+$/.test(tag) && tag.toLowerCase() === tag;
}

/** parseTags splits what someone typed at commas and white space. */
export function parseTags(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter((t) => t !== ''))];
}

/** formatTime shows a timestamp in the viewer's locale, or undefined when absent or Headscale's zero time. */
export function formatTime(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const t = new Date(value);
  if (Number.isNaN(t.getTime()) || t.getUTCFullYear() <= 1) return undefined;
  return t.toLocaleString();
}

/** connectCommand is the command that joins a device with a pre-auth key. */
export function connectCommand(loginServer: string, key: string): string {
  return `tailscale up --login-server ${loginServer} --authkey ${key}`;
}
