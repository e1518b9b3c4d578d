import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import type { Token } from '@/features/tokens/api/list-tokens';
import { useRevokeToken } from '@/features/tokens/api/revoke-token';

/** RevokeTokenDialog asks before revoking a token, naming it (and its owner, when not the caller's). */
export function RevokeTokenDialog({ token, own, onClose }: { token: Token; own: boolean; onClose: () => void }) {
  const revoke = useRevokeToken();
  return (
    <ConfirmDialog
      open
      title={`Revoke token “${token.name}”?`}
      confirmLabel="Revoke token"
      pendingLabel="Revoking…"
      pending={revoke.isPending}
      error={revoke.error ?? undefined}
      errorTitle="Could not revoke the token"
      onCancel={onClose}
      onConfirm={() => {
        revoke.mutate(token.id, { onSuccess: onClose });
      }}
    >
      <p>
        {own ? 'Your' : `${token.owner.name || token.owner.email}’s`} token <code>{token.prefix}…</code> stops working
        at once: scripts using it are refused. This cannot be undone.
      </p>
    </ConfirmDialog>
  );
}
