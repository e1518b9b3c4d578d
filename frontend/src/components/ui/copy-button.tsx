import { useEffect, useState } from 'react';

type CopyButtonProps = {
  /** The text put on the clipboard. */
  value: string;
  /** The button's accessible name: "Copy command". */
  label: string;
};

/**
 * CopyButton copies value to the clipboard and says so in words ("Copied"),
 * in a status region next to the button so screen readers hear it too.
 */
export function CopyButton({ value, label }: CopyButtonProps) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');

  useEffect(() => {
    if (state === 'idle') return;
    const timer = window.setTimeout(() => {
      setState('idle');
    }, 4000);
    return () => {
      window.clearTimeout(timer);
    };
  }, [state]);

  return (
    <span className="copy">
      <button
        type="button"
        className="button button--secondary button--small"
        aria-label={label}
        onClick={() => {
          // Not every browser (or insecure origin) offers the clipboard API.
          const clipboard = 'clipboard' in navigator ? (navigator.clipboard as Clipboard | undefined) : undefined;
          if (!clipboard) {
            setState('failed');
            return;
          }
          clipboard.writeText(value).then(
            () => {
              setState('copied');
            },
            () => {
              setState('failed');
            },
          );
        }}
      >
        Copy
      </button>
      <span role="status" className="copy__status">
        {state === 'copied' ? 'Copied' : state === 'failed' ? 'Could not copy: select the text and copy it' : ''}
      </span>
    </span>
  );
}

/** CodeBlock shows a command or key to copy, with its copy button. */
export function CodeBlock({ value, label }: CopyButtonProps) {
  return (
    <div className="code-block">
      <pre>
        <code>{value}</code>
      </pre>
      <CopyButton value={value} label={label} />
    </div>
  );
}
