import { Link, isRouteErrorResponse, useRouteError } from 'react-router';

/** RouteError replaces a page that failed to render. */
export function RouteError() {
  const error = useRouteError();
  const detail = isRouteErrorResponse(error)
    ? `${error.status} ${error.statusText}`
    : error instanceof Error
      ? error.message
      : undefined;
  return (
    <div className="page">
      <title>Error · Headway</title>
      <h1>Something went wrong</h1>
      <div role="alert" className="alert alert--error">
        <p className="alert__title">This page could not be shown.</p>
        {detail && <p>{detail}</p>}
        <p className="alert__hint">Reload the page; if it happens again, report what you were doing.</p>
      </div>
      <p>
        <Link to="/">Go to the status page</Link>
      </p>
    </div>
  );
}
