import { type ReactNode, useId } from 'react';
import { ErrorAlert } from '@/components/ui/error-alert';
import { Modal } from '@/components/ui/modal';

type FormDialogProps = {
  open: boolean;
  /** What the form does, naming its object: "Change the role of Bob Brown". */
  title: string;
  /** The fields and the consequence. */
  children: ReactNode;
  submitLabel: string;
  pendingLabel: string;
  pending?: boolean;
  /** Whether the form is not yet ready to submit (a confirmation not typed). */
  submitDisabled?: boolean;
  /** A destructive action gets a red submit button. */
  destructive?: boolean;
  /** Why the action failed, announced in the dialog. */
  error?: unknown;
  errorTitle?: string;
  onSubmit: () => void;
  onCancel: () => void;
};

/**
 * FormDialog runs one mutation from a Modal: focus moves to the first field
 * when it opens and back to the opener when it closes; Escape cancels; the
 * submit button shows the pending state and blocks resubmission.
 */
export function FormDialog({
  open,
  title,
  children,
  submitLabel,
  pendingLabel,
  pending = false,
  submitDisabled = false,
  destructive = false,
  error,
  errorTitle = 'That did not work',
  onSubmit,
  onCancel,
}: FormDialogProps) {
  const titleId = useId();

  return (
    <Modal
      open={open}
      labelledBy={titleId}
      onEscape={() => {
        if (!pending) onCancel();
      }}
    >
      <form
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          if (pending || submitDisabled) return;
          onSubmit();
        }}
      >
        <h2 id={titleId}>{title}</h2>
        {children}
        {error !== undefined && error !== null && <ErrorAlert title={errorTitle} error={error} />}
        <div className="dialog__actions">
          <button type="button" className="button button--secondary" onClick={onCancel} disabled={pending}>
            Cancel
          </button>
          <button
            type="submit"
            className={destructive ? 'button button--danger' : 'button'}
            disabled={pending || submitDisabled}
          >
            {pending ? pendingLabel : submitLabel}
          </button>
        </div>
      </form>
    </Modal>
  );
}
