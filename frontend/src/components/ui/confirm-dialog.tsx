import { type ReactNode, useEffect, useId, useRef } from 'react';
import { ErrorAlert } from '@/components/ui/error-alert';

type ConfirmDialogProps = {
  /** Whether the dialog is shown. */
  open: boolean;
  /** The question, naming the object: "Revoke this session?". */
  title: string;
  /** The consequence, in a sentence or two. */
  children: ReactNode;
  /** The confirming button's text: "Revoke session". */
  confirmLabel: string;
  /** The confirming button's text while the action runs. */
  pendingLabel: string;
  pending?: boolean;
  /** Why the action failed, shown in the dialog. */
  error?: unknown;
  errorTitle?: string;
  /** Whether the action destroys something (a red button); true unless said otherwise. */
  destructive?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
};

/**
 * ConfirmDialog asks before an action with consequences, in a modal native <dialog>:
 * focus moves to Cancel when it opens and back to where it was when it closes;
 * Escape cancels.
 */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  pendingLabel,
  pending = false,
  error,
  errorTitle = 'That did not work',
  destructive = true,
  onConfirm,
  onCancel,
}: ConfirmDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const bodyId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog || !open) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    cancelRef.current?.focus();
    return () => {
      if (dialog.open) dialog.close();
      // The opener may have gone (a revoked row); then focus stays on the page.
      if (opener?.isConnected) opener.focus();
    };
  }, [open]);

  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      onCancel={(event) => {
        // Escape: let React state close the dialog, so focus returns as above.
        event.preventDefault();
        if (!pending) onCancel();
      }}
    >
      {open && (
        <>
          <h2 id={titleId}>{title}</h2>
          <div id={bodyId}>{children}</div>
          {error !== undefined && error !== null && <ErrorAlert title={errorTitle} error={error} />}
          <div className="dialog__actions">
            <button ref={cancelRef} type="button" className="button button--secondary" onClick={onCancel} disabled={pending}>
              Cancel
            </button>
            <button
              type="button"
              className={destructive ? 'button button--danger' : 'button'}
              onClick={onConfirm} disabled={pending}>
              {pending ? pendingLabel : confirmLabel}
            </button>
          </div>
        </>
      )}
    </dialog>
  );
}
