import { type ReactNode, type RefObject, useEffect, useRef } from 'react';

type ModalProps = {
  /** Whether the dialog is shown; its content is rendered only then. */
  open: boolean;
  /** The id of the heading that names the dialog. */
  labelledBy: string;
  /** The id of the text that describes it, if any. */
  describedBy?: string;
  /** Whether the dialog needs room (a diff, a wide table). */
  wide?: boolean;
  /** What gets focus when it opens; without it, the first field or button. */
  initialFocus?: RefObject<HTMLElement | null>;
  /** Escape was pressed: close the dialog through state (or ignore it while busy). */
  onEscape: () => void;
  children: ReactNode;
};

/**
 * Modal is the shell every dialog shares, a modal native <dialog>: focus
 * moves into it when it opens and back to the opener when it closes; Escape
 * is handed to onEscape, so that React state closes it and focus returns.
 */
export function Modal({ open, labelledBy, describedBy, wide = false, initialFocus, onEscape, children }: ModalProps) {
  const ref = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog || !open) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    const first = initialFocus
      ? initialFocus.current
      : dialog.querySelector<HTMLElement>('input, select, textarea, button');
    first?.focus();
    return () => {
      if (dialog.open) dialog.close();
      // The opener may have gone (a revoked row); then focus stays on the page.
      if (opener?.isConnected) opener.focus();
    };
  }, [open, initialFocus]);

  return (
    <dialog
      ref={ref}
      className={wide ? 'dialog dialog--wide' : 'dialog'}
      aria-labelledby={labelledBy}
      aria-describedby={describedBy}
      onCancel={(event) => {
        // Escape: let React state close the dialog, so focus returns as above.
        event.preventDefault();
        onEscape();
      }}
    >
      {open && children}
    </dialog>
  );
}
