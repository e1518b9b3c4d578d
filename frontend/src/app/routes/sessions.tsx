import { SessionsPage } from '@/features/auth/components/sessions-page';

export function SessionsRoute() {
  return <SessionsPage />;
}
