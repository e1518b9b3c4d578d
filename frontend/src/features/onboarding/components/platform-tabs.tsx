import { type KeyboardEvent, type ReactNode, useId, useRef, useState } from 'react';
import { CodeBlock } from '@/components/ui/copy-button';
import {
  type Platform,
  connectCommand,
  detectPlatform,
  platformLabels,
  platforms,
} from '@/features/onboarding/components/platform';

/**
 * PlatformTabs explains how to connect a device on each operating system,
 * starting with the one this browser runs on. The tabs follow the ARIA tabs
 * pattern: arrow keys, Home and End move between them.
 */
export function PlatformTabs({ loginServer }: { loginServer: string }) {
  const [selected, setSelected] = useState<Platform>(() => detectPlatform());
  const id = useId();
  const tabs = useRef(new Map<Platform, HTMLButtonElement>());

  function select(platform: Platform) {
    setSelected(platform);
    tabs.current.get(platform)?.focus();
  }

  function onKeyDown(event: KeyboardEvent<HTMLButtonElement>) {
    const i = platforms.indexOf(selected);
    const last = platforms.length - 1;
    let next: number | undefined;
    if (event.key === 'ArrowRight') next = i === last ? 0 : i + 1;
    else if (event.key === 'ArrowLeft') next = i === 0 ? last : i - 1;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = last;
    if (next === undefined) return;
    event.preventDefault();
    const platform = platforms[next];
    if (platform) select(platform);
  }

  return (
    <div className="tabs">
      <div role="tablist" aria-label="Operating system" className="tabs__list">
        {platforms.map((platform) => (
          <button
            key={platform}
            ref={(el) => {
              if (el) tabs.current.set(platform, el);
              else tabs.current.delete(platform);
            }}
            type="button"
            role="tab"
            id={`${id}-tab-${platform}`}
            aria-selected={platform === selected}
            aria-controls={`${id}-panel-${platform}`}
            tabIndex={platform === selected ? 0 : -1}
            className="tabs__tab"
            onClick={() => {
              select(platform);
            }}
            onKeyDown={onKeyDown}
          >
            {platformLabels[platform]}
          </button>
        ))}
      </div>
      {platforms.map((platform) => (
        <div
          key={platform}
          role="tabpanel"
          id={`${id}-panel-${platform}`}
          aria-labelledby={`${id}-tab-${platform}`}
          hidden={platform !== selected}
          tabIndex={0}
          className="tabs__panel"
        >
          <PlatformSteps platform={platform} loginServer={loginServer} />
        </div>
      ))}
    </div>
  );
}

function Download({ href, children }: { href: string; children: ReactNode }) {
  return (
    <a href={href} target="_blank" rel="noreferrer">
      {children}
    </a>
  );
}

function PlatformSteps({ platform, loginServer }: { platform: Platform; loginServer: string }) {
  const command = connectCommand(loginServer);
  switch (platform) {
    case 'linux':
      return (
        <ol className="steps">
          <li>
            Install Tailscale:
            <CodeBlock value="curl -fsSL https://tailscale.com/install.sh | sh" label="Copy install command" />
          </li>
          <li>
            Connect to this Headscale, as root (prefix <code>sudo</code> if needed):
            <CodeBlock value={command} label="Copy command" />
          </li>
          <li>Open the link the command prints and sign in.</li>
        </ol>
      );
    case 'macos':
      return (
        <ol className="steps">
          <li>
            Install Tailscale from the Mac App Store or{' '}
            <Download href="https://tailscale.com/download/mac">tailscale.com/download/mac</Download>, and start it.
          </li>
          <li>
            In Terminal, connect to this Headscale:
            <CodeBlock value={command} label="Copy command" />
          </li>
          <li>Open the link the command prints and sign in.</li>
        </ol>
      );
    case 'windows':
      return (
        <ol className="steps">
          <li>
            Download and install Tailscale from{' '}
            <Download href="https://tailscale.com/download/windows">tailscale.com/download/windows</Download>.
          </li>
          <li>
            In PowerShell or Command Prompt, connect to this Headscale:
            <CodeBlock value={command} label="Copy command" />
          </li>
          <li>Open the link the command prints and sign in.</li>
        </ol>
      );
    case 'ios':
      return (
        <>
          <ol className="steps">
            <li>Install Tailscale from the App Store and open it.</li>
            <li>
              Open Settings, then Accounts, and in its menu choose <strong>Use custom coordination server</strong>.
              Enter this server:
              <CodeBlock value={loginServer} label="Copy server address" />
            </li>
            <li>Sign in when the app asks.</li>
          </ol>
          <p>On a computer, the same server works with:</p>
          <CodeBlock value={command} label="Copy command" />
        </>
      );
    case 'android':
      return (
        <>
          <ol className="steps">
            <li>Install Tailscale from Google Play and open it.</li>
            <li>
              Open Settings, then Accounts, and in its ⋮ menu choose <strong>Use an alternate server</strong>. Enter
              this server:
              <CodeBlock value={loginServer} label="Copy server address" />
            </li>
            <li>Sign in when the app asks.</li>
          </ol>
          <p>On a computer, the same server works with:</p>
          <CodeBlock value={command} label="Copy command" />
        </>
      );
  }
}
