import { type ReactNode, useEffect, useId, useRef } from 'react';

/**
 * NewKeyPanel shows a key just created, once: focus moves to it so keyboard
 * and screen-reader users land on the key; Done forgets it.
 */
export function NewKeyPanel({ title, children, onDone }: { title: string; children: ReactNode; onDone: () => void }) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  const headingId = useId();
  useEffect(() => {
    headingRef.current?.focus();
  }, []);
  return (
    <section className="card new-key" aria-labelledby={headingId}>
      <h3 id={headingId} ref={headingRef} tabIndex={-1}>
        {title}
      </h3>
      {children}
      <button type="button" className="button button--secondary" onClick={onDone}>
        Done
      </button>
    </section>
  );
}
