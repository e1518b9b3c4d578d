// Browser-side checks that mirror the server's (which stays authoritative),
// and small formatting helpers for machines.

/**
 * validMachineName reports whether name is a DNS label, as Headscale needs a
 * machine's name: 1 to 63 ASCII letters, digits and hyphens, starting and
 * ending with a letter or digit.
 */
export function validMachineName(name: string): boolean {
  return /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(name);
}

/** machineNameRule says what validMachineName checks, for people. */
export const machineNameRule =
  'Use 1 to 63 letters, digits and hyphens, starting and ending with a letter or digit.';

/** validTag reports whether tag looks like tag:name, in lower case and without spaces. */
export function validTag(tag: string): boolean {
  return /^tag:\S+$/.test(tag) && tag.toLowerCase() === tag;
}

/** parseTags splits what someone typed at commas and white space. */
export function parseTags(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter((t) => t !== ''))];
}

/** The routes that make a machine an exit node. */
export const exitRoutes: readonly string[] = ['0.0.0.0/0', '::/0'];

export function isExitRoute(route: string): boolean {
  return exitRoutes.includes(route);
}

/**
 * registrationIdFrom takes what was pasted (the key a device shows, or its
 * whole login URL) and returns the registration id in it.
 */
export function registrationIdFrom(text: string): string {
  const value = text.trim();
  const key = /hskey-authreq-[A-Za-z0-9_-]+/.exec(value);
  if (key) return key[0];
  if (/^https?:\/\//i.test(value)) {
    try {
      const url = new URL(value);
      const fromQuery = url.searchParams.get('key') ?? url.searchParams.get('authId');
      if (fromQuery) return fromQuery;
      const last = url.pathname.split('/').filter((s) => s !== '').pop();
      if (last) return decodeURIComponent(last);
    } catch {
      return value;
    }
  }
  return value;
}

/** formatAge says how long ago something was, from seconds: "4 s", "3 min", "2 h", "5 d". */
export function formatAge(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86400) return `${Math.floor(s / 3600)} h`;
  return `${Math.floor(s / 86400)} d`;
}

/** formatTime shows a timestamp in the viewer's locale, or a fallback when absent. */
export function formatTime(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const t = new Date(value);
  // Headscale reports "never" as the zero time.
  if (Number.isNaN(t.getTime()) || t.getUTCFullYear() <= 1) return undefined;
  return t.toLocaleString();
}
