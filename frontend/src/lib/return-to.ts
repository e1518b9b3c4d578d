/** Where the console lives; sign-in lands here when no safe return path is known. */
export const defaultReturnTo = '/admin/';

const loginPath = '/admin/login';

/**
 * safeReturnTo returns raw when it is a local path under /admin/ (with an
 * optional query and fragment) that cannot be read as another origin or
 * escape /admin/, and /admin/ otherwise. It mirrors the server's check, which
 * stays authoritative; the login page itself is never a return path.
 */
export function safeReturnTo(raw: string | null | undefined): string {
  if (!raw || !raw.startsWith(defaultReturnTo) || raw.length > 2048) return defaultReturnTo;
  // Printable ASCII only (no lookalike slashes), and no backslash.
  if (!/^[\x21-\x7e]+$/.test(raw) || raw.includes('\\')) return defaultReturnTo;
  const path = raw.split(/[?#]/, 1)[0] ?? '';
  if (/%(2e|2f|5c|25)/i.test(path)) return defaultReturnTo;
  const segments = path.slice(1).split('/');
  const bad = segments.some((seg, i) => seg === '.' || seg === '..' || (seg === '' && i < segments.length - 1));
  if (bad) return defaultReturnTo;
  if (path === loginPath || path.startsWith(`${loginPath}/`)) return defaultReturnTo;
  return raw;
}

/**
 * routerPath turns a return path under /admin/ into the router's path (the
 * router's basename is /admin/): "/admin/settings/sessions" → "/settings/sessions".
 */
export function routerPath(returnTo: string): string {
  return safeReturnTo(returnTo).slice(defaultReturnTo.length - 1);
}

/** oidcStartUrl is where the browser goes to begin single sign-on. */
export function oidcStartUrl(returnTo: string): string {
  return `/admin/oidc/start?return_to=${encodeURIComponent(safeReturnTo(returnTo))}`;
}
