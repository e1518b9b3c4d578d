import { type ReactNode, useEffect, useId, useRef } from 'react';

type DialogProps = {
  /** Whether the dialog is shown. */
  open: boolean;
  /** The dialog's heading, which also names it. */
  title: string;
  children: ReactNode;
  /** The closing button's text: "Close", "Done". */
  closeLabel?: string;
  /** Whether the dialog needs room (a diff, a wide table). */
  wide?: boolean;
  onClose: () => void;
};

/**
 * Dialog shows something to read (not a form to submit) in a modal native
 * <dialog>: focus moves to its heading when it opens, so reading starts at
 * the top, and back to the opener when it closes; Escape closes it.
 */
export function Dialog({ open, title, children, closeLabel = 'Close', wide = false, onClose }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const titleId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog || !open) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    headingRef.current?.focus();
    return () => {
      if (dialog.open) dialog.close();
      if (opener?.isConnected) opener.focus();
    };
  }, [open]);

  return (
    <dialog
      ref={ref}
      className={wide ? 'dialog dialog--wide' : 'dialog'}
      aria-labelledby={titleId}
      onCancel={(event) => {
        // Escape: let React state close the dialog, so focus returns as above.
        event.preventDefault();
        onClose();
      }}
    >
      {open && (
        <>
          <h2 id={titleId} ref={headingRef} tabIndex={-1} className="dialog__title">
            {title}
          </h2>
          {children}
          <div className="dialog__actions">
            <button type="button" className="button" onClick={onClose}>
              {closeLabel}
            </button>
          </div>
        </>
      )}
    </dialog>
  );
}
