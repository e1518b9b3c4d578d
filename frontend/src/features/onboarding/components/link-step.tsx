import { useId, useState } from 'react';
import { ErrorAlert } from '@/components/ui/error-alert';
import type { Onboarding } from '@/features/onboarding/api/get-onboarding';
import { useLinkSelf } from '@/features/onboarding/api/link-self';

/**
 * LinkStep asks which unclaimed local Headscale user is the caller's, and
 * links it; "None of these" moves on without linking.
 */
export function LinkStep({ onboarding, onNone }: { onboarding: Onboarding; onNone: () => void }) {
  const link = useLinkSelf();
  const [choice, setChoice] = useState('');
  const id = useId();

  return (
    <>
      <h1>Which Headscale user is yours?</h1>
      <p>
        These Headscale users belong to nobody in Headway yet. If one of them is you, link it: its devices become
        yours here. If none is, go on without linking.
      </p>
      <form
        className="form card onboarding__section"
        onSubmit={(event) => {
          event.preventDefault();
          if (!choice || link.isPending) return;
          link.mutate({ headscaleUserId: choice });
        }}
      >
        <fieldset className="choices">
          <legend>Headscale users</legend>
          {onboarding.candidates.map((user) => (
            <div key={user.id} className="choice">
              <input
                type="radio"
                name="headscaleUserId"
                id={`${id}-${user.id}`}
                value={user.id}
                checked={choice === user.id}
                required
                onChange={() => {
                  setChoice(user.id);
                }}
                aria-describedby={`${id}-${user.id}-about`}
              />
              <label htmlFor={`${id}-${user.id}`}>{user.name}</label>
              <span id={`${id}-${user.id}-about`} className="muted choice__about">
                {[
                  user.displayName && user.displayName !== user.name ? user.displayName : '',
                  user.email,
                  `${user.nodeCount} ${user.nodeCount === 1 ? 'device' : 'devices'}`,
                ]
                  .filter(Boolean)
                  .join(' · ')}
              </span>
            </div>
          ))}
        </fieldset>
        {link.isError && <ErrorAlert title="Could not link the Headscale user" error={link.error} />}
        <div className="onboarding__actions">
          <button type="submit" className="button" disabled={link.isPending}>
            {link.isPending ? 'Linking…' : 'Link this user'}
          </button>
          <button type="button" className="button button--secondary" disabled={link.isPending} onClick={onNone}>
            None of these
          </button>
        </div>
      </form>
    </>
  );
}
