import { can, capabilitiesOf, useMe } from '@/features/auth/api/get-me';
import { TokensPage } from '@/features/tokens/components/tokens-page';
import { tokenRoles } from '@/lib/roles';

/** TokensRoute is the caller's API tokens; everyone with console access has some. */
export function TokensRoute() {
  const me = useMe();
  const signedIn = me.data;
  return (
    <TokensPage
      userId={signedIn?.user?.id}
      roles={signedIn ? tokenRoles(capabilitiesOf(signedIn)) : []}
      canSeeAll={signedIn !== undefined && can(signedIn, 'configure_iam')}
    />
  );
}
