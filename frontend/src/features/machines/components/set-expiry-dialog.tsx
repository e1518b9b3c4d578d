import { useId, useState } from 'react';
import { FormDialog } from '@/components/ui/form-dialog';
import { useExpireMachine } from '@/features/machines/api/expire-machine';
import type { Machine } from '@/features/machines/api/list-machines';
import { formatTime } from '@/features/machines/components/rules';

/** localInput turns a timestamp into a datetime-local value in the viewer's time zone. */
function localInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** SetExpiryDialog sets when a machine's key expires, or turns key expiry off. */
export function SetExpiryDialog({ machine, onClose }: { machine: Machine; onClose: () => void }) {
  const expire = useExpireMachine();
  const id = useId();
  const current = formatTime(machine.expiry);
  const [mode, setMode] = useState<'date' | 'never'>('date');
  const [at, setAt] = useState(() =>
    localInput(machine.expiry && current ? new Date(machine.expiry) : new Date(Date.now() + 90 * 86_400_000)),
  );
  const when = new Date(at);
  const validDate = at !== '' && !Number.isNaN(when.getTime());

  return (
    <FormDialog
      open
      title={`Set the key expiry of ${machine.givenName}`}
      submitLabel="Save expiry"
      pendingLabel="Saving…"
      pending={expire.isPending}
      submitDisabled={mode === 'date' && !validDate}
      error={expire.error ?? undefined}
      errorTitle="Could not change the expiry"
      onCancel={onClose}
      onSubmit={() => {
        expire.mutate(
          mode === 'never' ? { id: machine.id, disableExpiry: true } : { id: machine.id, expiry: when.toISOString() },
          { onSuccess: onClose },
        );
      }}
    >
      <p>
        Its key now {current ? <>expires on {current}</> : 'does not expire'}. When the key expires, the machine must
        sign in again.
      </p>
      <fieldset className="choices">
        <legend>Key expiry</legend>
        <div className="choice">
          <label>
            <input
              type="radio"
              name={`${id}-mode`}
              checked={mode === 'date'}
              onChange={() => {
                setMode('date');
              }}
            />{' '}
            Expire on a date
          </label>
        </div>
        <div className="choice">
          <label>
            <input
              type="radio"
              name={`${id}-mode`}
              checked={mode === 'never'}
              onChange={() => {
                setMode('never');
              }}
            />{' '}
            Disable expiry: the key never expires
          </label>
        </div>
      </fieldset>
      {mode === 'date' && (
        <div className="field">
          <label htmlFor={`${id}-at`}>Expires at</label>
          <input
            id={`${id}-at`}
            type="datetime-local"
            className="input"
            value={at}
            onChange={(event) => {
              setAt(event.target.value);
            }}
          />
        </div>
      )}
    </FormDialog>
  );
}
