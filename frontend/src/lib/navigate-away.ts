/**
 * navigateAway loads another page in full: the identity provider, or the
 * login page after signing out, so that nothing of the old session stays in
 * memory. Tests replace this module.
 */
export function navigateAway(url: string): void {
  window.location.assign(url);
}
