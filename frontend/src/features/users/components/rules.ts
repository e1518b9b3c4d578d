/**
 * validUserName reports whether name is a user name Headscale accepts: at
 * least 2 bytes, starting with a letter, holding only letters, digits, '-',
 * '.', '_' and at most one '@'. The server checks it again.
 */
export function validUserName(name: string): boolean {
  if (new TextEncoder().encode(name).length < 2) return false;
  if (!/^\p{L}/u.test(name)) return false;
  if (!/^[\p{L}\p{Nd}._@-]+$/u.test(name)) return false;
  return (name.match(/@/g) ?? []).length <= 1;
}

export const userNameRule =
  "At least 2 characters, starting with a letter; only letters, digits, '-', '.', '_' and at most one '@'.";

/** isFromOidc reports whether Headscale's own sign-in created the user (its name comes from there). */
export function isFromOidc(provider: string): boolean {
  return provider.toLowerCase() === 'oidc';
}
