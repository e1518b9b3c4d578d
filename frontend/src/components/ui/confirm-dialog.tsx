import { type ReactNode, useId, useRef } from 'react';
import { ErrorAlert } from '@/components/ui/error-alert';
import { Modal } from '@/components/ui/modal';

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
 * ConfirmDialog asks before an action with consequences, in a Modal: focus
 * moves to Cancel when it opens and back to where it was when it closes;
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
  const cancelRef = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const bodyId = useId();

  return (
    <Modal
      open={open}
      labelledBy={titleId}
      describedBy={bodyId}
      initialFocus={cancelRef}
      onEscape={() => {
        if (!pending) onCancel();
      }}
    >
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
          onClick={onConfirm}
          disabled={pending}
        >
          {pending ? pendingLabel : confirmLabel}
        </button>
      </div>
    </Modal>
  );
}
