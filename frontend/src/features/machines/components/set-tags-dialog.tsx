import { useId, useState } from 'react';
import { FieldError, splitError } from '@/components/ui/field-error';
import { FormDialog } from '@/components/ui/form-dialog';
import type { Machine } from '@/features/machines/api/list-machines';
import { useSetMachineTags } from '@/features/machines/api/set-machine-tags';
import { parseTags, validTag } from '@/features/machines/components/rules';

/** SetTagsDialog replaces a machine's ACL tags. */
export function SetTagsDialog({ machine, onClose }: { machine: Machine; onClose: () => void }) {
  const setTags = useSetMachineTags();
  const [text, setText] = useState(machine.tags.join(' '));
  const id = useId();
  const tags = parseTags(text);
  const bad = tags.filter((t) => !validTag(t));
  const { field, form } = splitError(setTags.error, ['tag_invalid', 'tag_not_allowed']);
  const errorId = `${id}-error`;
  const invalid = bad.length > 0 || field !== undefined;

  return (
    <FormDialog
      open
      title={`Set the tags of ${machine.givenName}`}
      submitLabel="Save tags"
      pendingLabel="Saving…"
      pending={setTags.isPending}
      submitDisabled={bad.length > 0}
      error={form}
      errorTitle="Could not set the tags"
      onCancel={onClose}
      onSubmit={() => {
        setTags.mutate({ id: machine.id, tags }, { onSuccess: onClose });
      }}
    >
      <p>
        A tagged machine belongs to its tags, not to {machine.user ? machine.user.name : 'a user'}: the policy&apos;s
        rules for those tags decide what it may reach. Every tag must be listed in the policy&apos;s{' '}
        <code>tagOwners</code>.
      </p>
      <div className="field">
        <label htmlFor={`${id}-tags`}>Tags</label>
        <input
          id={`${id}-tags`}
          className="input"
          autoComplete="off"
          spellCheck={false}
          value={text}
          aria-invalid={invalid ? true : undefined}
          aria-describedby={`${id}-help${invalid ? ` ${errorId}` : ''}`}
          onChange={(event) => {
            setText(event.target.value);
            setTags.reset();
          }}
        />
        <p id={`${id}-help`} className="field__help">
          Separate tags with commas or spaces, for example <code>tag:server tag:web</code>.
        </p>
        {bad.length > 0 ? (
          <FieldError
            id={errorId}
            message={`Not a valid tag: ${bad.join(', ')}`}
            hint="Tags look like tag:name, in lower case and without spaces."
          />
        ) : (
          field && <FieldError id={errorId} message={field.message} hint={field.hint} />
        )}
      </div>
    </FormDialog>
  );
}
