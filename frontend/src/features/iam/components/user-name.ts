import type { ConsoleUser } from '@/features/iam/api/list-console-users';

/** userName is how the console names a console user. */
export function userName(user: ConsoleUser): string {
  return user.name || user.email || user.preferredUsername || user.id;
}
