import createClient from 'openapi-fetch';
import type { components, paths } from '@/api/schema';

type ErrorBody = components['schemas']['ErrorBody'];

/**
 * ApiError is what every failed call to Headway's API throws: an error answer
 * in the contract's shape, an answer in some other shape (a proxy's error page,
 * say), or no answer at all (status 0, code "network_error").
 */
export class ApiError extends Error {
  /** HTTP status, or 0 when no response arrived. */
  readonly status: number;
  /** Stable, machine-readable snake_case code. */
  readonly code: string;
  /** How to fix it, when there is something to do. */
  readonly hint?: string;
  /** The server's request id, for reports. */
  readonly requestId?: string;

  constructor(init: {
    status: number;
    code: string;
    message: string;
    hint?: string;
    requestId?: string;
    cause?: unknown;
  }) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.hint = init.hint;
    this.requestId = init.requestId;
  }
}

/** The one client for Headway's JSON API, typed by the generated schema. */
export const api = createClient<paths>({
  baseUrl: '/admin/api/v1',
  // Look fetch up at call time rather than once at import, so the boundary
  // can be replaced in tests.
  fetch: (request) => globalThis.fetch(request),
  credentials: 'same-origin',
  headers: { Accept: 'application/json' },
});

// ---- Session-bound request handling -------------------------------------

// The CSRF token of the current session. The me query (GET /me) and API-key
// sign-in put it here; the middleware below sends it on unsafe requests.
let csrfToken: string | undefined;

/** setCsrfToken records the current session's CSRF token (undefined when signed out). */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token || undefined;
}

/** getCsrfToken returns the token sent as X-CSRF-Token, if any. */
export function getCsrfToken(): string | undefined {
  return csrfToken;
}

type Listener = () => void;
const unauthorizedListeners = new Set<Listener>();

/**
 * onUnauthorized calls listener whenever a call answers 401 (other than
 * GET /me and the sign-in operations, whose 401s are expected answers):
 * the session ended, so whoever tracks it should check again. Returns a
 * function that removes the listener.
 */
export function onUnauthorized(listener: Listener): () => void {
  unauthorizedListeners.add(listener);
  return () => {
    unauthorizedListeners.delete(listener);
  };
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

api.use({
  onRequest({ request }) {
    if (!safeMethods.has(request.method.toUpperCase()) && csrfToken) {
      request.headers.set('X-CSRF-Token', csrfToken);
    }
    return request;
  },
  onResponse({ response, schemaPath }) {
    if (response.status === 401 && schemaPath !== '/me' && !schemaPath.startsWith('/auth/')) {
      for (const listener of unauthorizedListeners) listener();
    }
    return undefined;
  },
});

type Result<D> = { data?: D; error?: unknown; response: Response };

/**
 * unwrap awaits an api call and returns its data, or throws an ApiError.
 * Cancellation (AbortError) passes through untouched for TanStack Query.
 */
export async function unwrap<D>(call: Promise<Result<D>>): Promise<D> {
  let result: Result<D>;
  try {
    result = await call;
  } catch (err) {
    if (isAbort(err)) throw err;
    if (err instanceof SyntaxError) {
      throw new ApiError({
        status: 0,
        code: 'invalid_response',
        message: 'Headway sent an answer that is not valid JSON.',
        hint: 'A proxy in front of Headway may be rewriting responses.',
        cause: err,
      });
    }
    throw new ApiError({
      status: 0,
      code: 'network_error',
      message: 'Could not reach Headway.',
      hint: 'Check your network connection and that the Headway server is running.',
      cause: err,
    });
  }
  const { response } = result;
  if (response.ok) return result.data as D;
  throw toApiError(response, result.error);
}

/** toApiError builds an ApiError from a failed response and its parsed body. */
export function toApiError(response: Response, body: unknown): ApiError {
  const headerId = response.headers.get('X-Request-Id') ?? undefined;
  const e = errorBody(body);
  if (e) {
    return new ApiError({
      status: response.status,
      code: e.code,
      message: e.message,
      hint: e.hint,
      requestId: e.requestId ?? headerId,
    });
  }
  const reason = response.statusText ? `${response.status} ${response.statusText}` : `${response.status}`;
  return new ApiError({
    status: response.status,
    code: 'unexpected_response',
    message: `Headway answered with an unexpected error (HTTP ${reason}).`,
    hint:
      response.status >= 500
        ? 'Headway or a proxy in front of it may be down or restarting. Try again shortly.'
        : undefined,
    requestId: headerId,
  });
}

function errorBody(body: unknown): ErrorBody | undefined {
  if (typeof body !== 'object' || body === null || !('error' in body)) return undefined;
  const e: unknown = body.error;
  if (typeof e !== 'object' || e === null) return undefined;
  const { code, message, hint, requestId } = e as Record<string, unknown>;
  if (typeof code !== 'string' || typeof message !== 'string') return undefined;
  return {
    code,
    message,
    hint: typeof hint === 'string' && hint !== '' ? hint : undefined,
    requestId: typeof requestId === 'string' && requestId !== '' ? requestId : undefined,
  };
}

function isAbort(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'AbortError';
}
