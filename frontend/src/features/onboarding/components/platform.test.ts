import { describe, expect, it } from 'vitest';
import { connectCommand, detectPlatform } from '@/features/onboarding/components/platform';

const nav = (userAgent: string, platform?: string) =>
  ({ userAgent, userAgentData: platform === undefined ? undefined : { platform } }) as unknown as Navigator;

describe('detectPlatform', () => {
  it.each([
    ['Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0', undefined, 'linux'],
    ['Mozilla/5.0 (Linux; Android 14; Pixel 8) Chrome/130.0 Mobile', undefined, 'android'],
    ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Safari/604.1', undefined, 'ios'],
    ['Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) Safari/604.1', undefined, 'ios'],
    ['Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) Safari/605.1.15', undefined, 'macos'],
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/130.0', undefined, 'windows'],
    // Client hints win over a frozen user agent.
    ['Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0', 'Windows', 'windows'],
    ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Chrome/130.0', 'macOS', 'macos'],
    ['SomethingElse/1.0', undefined, 'linux'],
  ])('%s (%s) → %s', (ua, platform, want) => {
    expect(detectPlatform(nav(ua, platform))).toBe(want);
  });
});

describe('connectCommand', () => {
  it('points tailscale at the login server, with a key when given', () => {
    expect(connectCommand('https://hs.example.com')).toBe('tailscale up --login-server https://hs.example.com');
    expect(connectCommand('https://hs.example.com', 'k1')).toBe(
      'tailscale up --login-server https://hs.example.com --authkey k1',
    );
  });
});
