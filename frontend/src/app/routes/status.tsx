import { StatusPage } from '@/features/system/components/status-page';

export function StatusRoute() {
  return <StatusPage />;
}
