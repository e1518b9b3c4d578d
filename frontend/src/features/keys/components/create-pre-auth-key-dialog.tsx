import { useId, useState } from 'react';
import { ExpiryField } from '@/components/ui/expiry-field';
import { FieldError, splitError } from '@/components/ui/field-error';
import { FormDialog } from '@/components/ui/form-dialog';
import { useCreatePreAuthKey } from '@/features/keys/api/create-pre-auth-key';
import type { PreAuthKey } from '@/features/keys/api/list-pre-auth-keys';
import type { UserOption } from '@/features/keys/components/keys-page';
import {
  customDateHelp,
  customDateProblem,
  expirationFrom,
  parseTags,
  preAuthKeyPresets,
  validTag,
} from '@/features/keys/components/rules';

/** The user select's value for a key without a user. */
const tagOnly = 'tag-only';

type CreatePreAuthKeyDialogProps = {
  users: UserOption[] | undefined;
  ownUserId: string | undefined;
  canCreateForAnyone: boolean;
  onClose: () => void;
  onCreated: (key: PreAuthKey) => void;
};

/**
 * CreatePreAuthKeyDialog creates a pre-auth key. With generate_authkeys it
 * offers every Headscale user and tag-only keys; otherwise only the caller's
 * own linked user, and the server explains when there is none (not_linked).
 */
export function CreatePreAuthKeyDialog({
  users,
  ownUserId,
  canCreateForAnyone,
  onClose,
  onCreated,
}: CreatePreAuthKeyDialogProps) {
  const create = useCreatePreAuthKey();
  const id = useId();
  const ownName = users?.find((u) => u.id === ownUserId)?.name;
  const [user, setUser] = useState(
    canCreateForAnyone ? (ownUserId ?? users?.[0]?.id ?? tagOnly) : (ownUserId ?? ''),
  );
  const [tagText, setTagText] = useState('');
  const [expiry, setExpiry] = useState('1h');
  const [customDate, setCustomDate] = useState('');
  const [reusable, setReusable] = useState(false);
  const [ephemeral, setEphemeral] = useState(false);
  const [tried, setTried] = useState(false);

  const tags = parseTags(tagText);
  const badTag = tags.find((t) => !validTag(t));
  const tagProblem =
    badTag !== undefined
      ? `"${badTag}" is not a valid tag: use tag:name, in lower case.`
      : user === tagOnly && tags.length === 0
        ? 'A tag-only key needs at least one tag.'
        : undefined;
  const expiration = expirationFrom(preAuthKeyPresets, expiry, customDate);
  const { field: tagError, form: rest } = splitError(create.error, ['tag_invalid']);
  const { field: expiryError, form: formError } = splitError(rest, ['expiration_invalid']);
  const showTagProblem = tried && tagProblem !== undefined;
  const tagErrorId = `${id}-tags-error`;

  return (
    <FormDialog
      open
      title="Create pre-auth key"
      submitLabel="Create key"
      pendingLabel="Creating…"
      pending={create.isPending}
      error={formError}
      errorTitle="Could not create the key"
      onCancel={onClose}
      onSubmit={() => {
        setTried(true);
        if (tagProblem !== undefined || expiration === undefined) return;
        create.mutate(
          {
            ...(user !== tagOnly && user !== '' ? { user } : {}),
            aclTags: tags,
            expiration,
            reusable,
            ephemeral,
          },
          { onSuccess: onCreated },
        );
      }}
    >
      <div className="field">
        <label htmlFor={`${id}-user`}>User</label>
        <select
          id={`${id}-user`}
          className="input"
          value={user}
          aria-describedby={`${id}-user-help`}
          onChange={(event) => {
            setUser(event.target.value);
          }}
        >
          {canCreateForAnyone ? (
            <>
              {users?.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}
                  {u.id === ownUserId ? ' (you)' : ''}
                </option>
              ))}
              <option value={tagOnly}>Tag-only (no user)</option>
            </>
          ) : (
            <option value={ownUserId ?? ''}>{ownName ? `${ownName} (you)` : 'Your own Headscale user'}</option>
          )}
        </select>
        <p id={`${id}-user-help`} className="field__help">
          {canCreateForAnyone
            ? 'Devices join as this user; a tag-only key makes tagged devices that belong to no user.'
            : 'Your role creates keys only for your own Headscale user.'}
        </p>
      </div>

      <div className="field">
        <label htmlFor={`${id}-tags`}>ACL tags</label>
        <input
          id={`${id}-tags`}
          className="input"
          autoComplete="off"
          spellCheck={false}
          placeholder="tag:server"
          value={tagText}
          aria-invalid={showTagProblem || tagError ? true : undefined}
          aria-describedby={`${id}-tags-help${showTagProblem || tagError ? ` ${tagErrorId}` : ''}`}
          onChange={(event) => {
            setTagText(event.target.value);
          }}
        />
        <p id={`${id}-tags-help`} className="field__help">
          Optional for a user&apos;s key; separate tags with commas or spaces. The policy&apos;s tagOwners must allow
          them, or the device is refused when it joins.
        </p>
        {showTagProblem ? (
          <FieldError id={tagErrorId} message={tagProblem} />
        ) : (
          tagError && <FieldError id={tagErrorId} message={tagError.message} hint={tagError.hint} />
        )}
      </div>

      <ExpiryField
        presets={preAuthKeyPresets}
        choice={expiry}
        customDate={customDate}
        onChoice={setExpiry}
        onCustomDate={setCustomDate}
        dateHelp={customDateHelp}
        problem={tried && expiration === undefined ? customDateProblem : undefined}
        serverError={expiryError}
      />

      <div className="field">
        <label>
          <input
            type="checkbox"
            checked={reusable}
            onChange={(event) => {
              setReusable(event.target.checked);
            }}
          />{' '}
          Reusable: more than one device can join with it
        </label>
        <label>
          <input
            type="checkbox"
            checked={ephemeral}
            onChange={(event) => {
              setEphemeral(event.target.checked);
            }}
          />{' '}
          Ephemeral: devices are removed when they go offline
        </label>
      </div>
    </FormDialog>
  );
}
