/** The operating systems onboarding explains, in tab order. */
export const platforms = ['linux', 'macos', 'windows', 'ios', 'android'] as const;

export type Platform = (typeof platforms)[number];

export const platformLabels: Record<Platform, string> = {
  linux: 'Linux',
  macos: 'macOS',
  windows: 'Windows',
  ios: 'iOS',
  android: 'Android',
};

type NavigatorWithHints = Navigator & { userAgentData?: { platform?: string; mobile?: boolean } };

/**
 * detectPlatform guesses the visitor's operating system from the browser's
 * client hints (navigator.userAgentData) or, failing that, its user agent.
 * It is only the tab shown first; every tab stays one click away.
 */
export function detectPlatform(nav: NavigatorWithHints = navigator): Platform {
  const hint = nav.userAgentData?.platform?.toLowerCase() ?? '';
  const ua = nav.userAgent.toLowerCase();
  const source = `${hint} ${ua}`;
  // Order matters: Android says "Linux", iPadOS and iOS say "like Mac OS X".
  if (/android/.test(source)) return 'android';
  if (/iphone|ipad|ipod|\bios\b/.test(source)) return 'ios';
  if (/windows|win32|win64/.test(source)) return 'windows';
  if (/mac ?os|macintosh|macintel/.test(source)) return 'macos';
  if (/linux|x11|cros|chrome os/.test(source)) return 'linux';
  return 'linux';
}

/** connectCommand is the command that connects a device to this Headscale. */
export function connectCommand(loginServer: string, authKey?: string): string {
  const base = `tailscale up --login-server ${loginServer}`;
  return authKey ? `${base} --authkey ${authKey}` : base;
}
