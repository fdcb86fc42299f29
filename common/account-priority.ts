import type { Priority } from '@temporalio/common';

/**
 * Temporal's priority of every run of an account's migrations: the SmugMug nickname as fairness
 * key. Children and activities inherit it, so Temporal's matching shares the workers fairly between
 * accounts, and the task queue's per-key rate limit (the worker's SMUGMUG_ACCOUNT_ACTIVITIES_PER_SECOND)
 * caps what one account starts per second over all workers together: SmugMug's own limit is per
 * user and application, not per process. Nicknames are case-insensitive on SmugMug, so the key is too.
 */
export function accountPriority(account: string): Priority {
  return { fairnessKey: account.toLowerCase() };
}
