import { ApiDocsPage } from '@/features/api-docs/components/api-docs-page';

/** ApiDocsRoute is the public API reference (/admin/api/docs): no sign-in needed. */
export function ApiDocsRoute() {
  return <ApiDocsPage />;
}
