import { ApiError } from '@/lib/api';

/** nameError returns the server's error when it concerns the name field. */
export function nameError(error: unknown): ApiError | undefined {
  return error instanceof ApiError && ['user_name_invalid', 'user_name_taken'].includes(error.code) ? error : undefined;
}
