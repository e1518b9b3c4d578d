import { type ReactNode, useId, useRef } from 'react';
import { Modal } from '@/components/ui/modal';

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
 * Dialog shows something to read (not a form to submit) in a Modal: focus
 * moves to its heading when it opens, so reading starts at the top, and back
 * to the opener when it closes; Escape closes it.
 */
export function Dialog({ open, title, children, closeLabel = 'Close', wide = false, onClose }: DialogProps) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  const titleId = useId();

  return (
    <Modal open={open} labelledBy={titleId} wide={wide} initialFocus={headingRef} onEscape={onClose}>
      <h2 id={titleId} ref={headingRef} tabIndex={-1} className="dialog__title">
        {title}
      </h2>
      {children}
      <div className="dialog__actions">
        <button type="button" className="button" onClick={onClose}>
          {closeLabel}
        </button>
      </div>
    </Modal>
  );
}
