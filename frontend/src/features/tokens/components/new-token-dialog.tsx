import { CodeBlock } from '@/components/ui/copy-button';
import { Dialog } from '@/components/ui/dialog';
import type { NewToken } from '@/features/tokens/api/create-token';
import { roleLabel } from '@/lib/roles';

/**
 * NewTokenDialog shows a token just created, the one time it can be seen,
 * with a copy button and how a script sends it.
 */
export function NewTokenDialog({ created, onClose }: { created: NewToken; onClose: () => void }) {
  const { token, details } = created;
  const origin = typeof window === 'undefined' ? '' : window.location.origin;
  return (
    <Dialog open title={`New API token “${details.name}”`} closeLabel="Done" onClose={onClose}>
      <div role="note" className="alert alert--warning">
        <p className="alert__title">Copy the token now: you will not see it again.</p>
        <p>Headway keeps only a hash of it. If you lose it, revoke it and create another.</p>
      </div>
      <CodeBlock value={token} label="Copy token" />
      <p>
        Role {roleLabel(details.role)}, valid until{' '}
        <time dateTime={details.expiresAt}>{new Date(details.expiresAt).toLocaleString()}</time>.
      </p>
      <p>A script sends it with every request:</p>
      <CodeBlock
        value={`curl -H "Authorization: Bearer ${token}" ${origin}/admin/api/v1/me`}
        label="Copy example command"
      />
    </Dialog>
  );
}
